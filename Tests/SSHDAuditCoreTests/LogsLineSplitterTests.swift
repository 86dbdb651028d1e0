import SSHDAuditCore
import Testing

@Suite("LineSplitter")
struct LogsLineSplitterTests {
    /// Feeds `input` in chunks of `chunkSize` and collects the lines.
    func split(_ input: [UInt8], chunkSize: Int) -> [[UInt8]] {
        var splitter = LineSplitter()
        return splitter.lines(of: input, chunkSize: chunkSize)
    }

    @Test("every chunk size gives the same lines", arguments: [1, 2, 3, 7, 8, 9, 15, 16, 17, 64, 4096])
    func chunkSizes(chunkSize: Int) {
        let text = "first\n\nthird line is longer than eight bytes\r\n\u{0}nul\nlast without newline"
        let expected = ["first", "", "third line is longer than eight bytes\r", "\u{0}nul", "last without newline"]
        #expect(self.split(Array(text.utf8), chunkSize: chunkSize) == expected.map { Array($0.utf8) })
    }

    @Test("a trailing newline does not make an empty last line")
    func trailingNewline() {
        #expect(self.split(Array("a\nb\n".utf8), chunkSize: 3) == [Array("a".utf8), Array("b".utf8)])
        #expect(self.split([], chunkSize: 3).isEmpty)
    }

    @Test("a 3 MiB line spanning many chunks arrives whole")
    func longLine() {
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let lines = self.split(long + [0x0A] + Array("next".utf8), chunkSize: 1 << 16)
        #expect(lines.count == 2)
        #expect(lines.first?.count == 3 << 20)
        #expect(lines.last == Array("next".utf8))
    }

    @Test("newlines are found at every offset within an 8-byte word")
    func everyOffset() {
        for offset in 0..<24 {
            var bytes = [UInt8](repeating: 0xFF, count: 24)
            bytes[offset] = 0x0A
            let lines = self.split(bytes, chunkSize: 1 << 10)
            #expect(lines.first?.count == offset)
        }
    }
}
