/// Splits a stream of byte chunks into lines, handing each line to a closure as a borrowed buffer.
///
/// Lines that lie wholly inside a chunk are passed straight from the chunk, without copying; only a line that
/// straddles two chunks is gathered into an internal buffer, which grows as needed, so a line of any length
/// arrives whole. The newline is not part of the line; a CR before it is left for the consumer.
public struct LineSplitter: Sendable {
    /// The start of a line begun in an earlier chunk and not yet finished.
    private var pending: [UInt8] = []
    /// Lines handed out so far.
    public private(set) var lineCount = 0

    public init() {}

    /// Calls `body` with every line completed by `chunk`, in order.
    public mutating func split(
        _ chunk: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        var lineStart = 0
        var index = 0
        let end = chunk.count
        while let newline = Self.newline(in: chunk, from: index, end: end) {
            if self.pending.isEmpty {
                try body(UnsafeBufferPointer(rebasing: chunk[lineStart..<newline]))
            } else {
                self.pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[lineStart..<newline]))
                try self.pending.withUnsafeBufferPointer { try body($0) }
                self.pending.removeAll(keepingCapacity: true)
            }
            self.lineCount += 1
            lineStart = newline + 1
            index = lineStart
        }
        if lineStart < end {
            self.pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[lineStart..<end]))
        }
    }

    /// Calls `body` with the last line if the stream did not end in a newline.
    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard !self.pending.isEmpty else { return }
        try self.pending.withUnsafeBufferPointer { try body($0) }
        self.pending.removeAll()
        self.lineCount += 1
    }

    /// The next `\n` at or after `start`. Scans eight bytes per step (SWAR: a zero byte in `word ^ 0x0a…0a`).
    @inline(__always)
    private static func newline(in chunk: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int? {
        var index = start
        guard let base = chunk.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        while end - index >= 8 {
            // Read as little endian so the first byte in memory is the lowest byte on every platform.
            let loaded = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let word = loaded ^ 0x0A0A_0A0A_0A0A_0A0A
            let found = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if found != 0 {
                // Borrows can only mark bytes above the first match, so the lowest marked byte is the newline.
                return index + (found.trailingZeroBitCount >> 3)
            }
            index += 8
        }
        while index < end {
            if chunk[index] == UInt8(ascii: "\n") { return index }
            index += 1
        }
        return nil
    }
}
