import SSHDAuditCore
import Testing

/// A log that is one endless line must not grow the splitter's buffer without bound: lines past the limit are
/// cut, counted, and the lines after them arrive intact.
@Suite("LineSplitter line length limit")
struct LogsLineLengthLimitTests {
    /// Feeds `input` in chunks of `chunkSize` to a splitter cut at `limit`; returns the lines and the cut count.
    func split(_ input: [UInt8], chunkSize: Int, limit: Int) -> (lines: [[UInt8]], truncated: Int) {
        var splitter = LineSplitter(maximumLineLength: limit)
        let lines = splitter.lines(of: input, chunkSize: chunkSize)
        return (lines, splitter.truncatedLineCount)
    }

    @Test("long lines are cut to the limit, in one chunk or across many", arguments: [1, 3, 8, 10, 11, 64, 4096])
    func cut(chunkSize: Int) {
        let text = "short\n" + String(repeating: "a", count: 25) + "\nexactly10!\n" + String(repeating: "b", count: 11)
        let (lines, truncated) = self.split(Array(text.utf8), chunkSize: chunkSize, limit: 10)
        #expect(lines == ["short", "aaaaaaaaaa", "exactly10!", "bbbbbbbbbb"].map { Array($0.utf8) })
        #expect(truncated == 2)
    }

    @Test("the default limit is 4 MiB: a 1 MiB line passes whole, a 5 MiB one is cut")
    func defaultLimit() {
        #expect(LineSplitter().maximumLineLength == 4 << 20)
        let oneMiB = [UInt8](repeating: 0x41, count: 1 << 20)
        let fiveMiB = [UInt8](repeating: 0x42, count: 5 << 20)
        let input = oneMiB + [0x0A] + fiveMiB + [0x0A] + Array("tail".utf8)
        let (lines, truncated) = self.split(input, chunkSize: 1 << 16, limit: LineSplitter.defaultMaximumLineLength)
        #expect(lines.map(\.count) == [1 << 20, 4 << 20, 4])
        #expect(truncated == 1)
    }
}
