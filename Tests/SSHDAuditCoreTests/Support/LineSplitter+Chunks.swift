import SSHDAuditCore
import Testing

extension LineSplitter {
    /// Feeds `input` in chunks of `chunkSize`, as reads of a file would arrive, then finishes; returns every line
    /// in order. Expects the splitter's own count to agree with the lines delivered.
    mutating func lines(of input: [UInt8], chunkSize: Int) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        input.withUnsafeBufferPointer { bytes in
            var start = 0
            while start < bytes.count {
                let end = min(start + chunkSize, bytes.count)
                self.split(UnsafeBufferPointer(rebasing: bytes[start..<end])) { lines.append(Array($0)) }
                start = end
            }
        }
        self.finish { lines.append(Array($0)) }
        #expect(self.lineCount == lines.count)
        return lines
    }
}
