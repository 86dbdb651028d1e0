/// Splits a stream of byte chunks into lines, handing each line to a closure as a borrowed buffer.
///
/// Lines that lie wholly inside a chunk are passed straight from the chunk, without copying; only a line that
/// straddles two chunks is gathered into an internal buffer. The newline is not part of the line; a CR before
/// it is left for the consumer.
///
/// A line longer than ``maximumLineLength`` is handed out cut to that length (and counted in
/// ``truncatedLineCount``): a file that is one endless line, written by whoever can write to the log, must not
/// grow the buffer without bound. No syslog daemon writes such lines (rsyslog's default limit is 8 KiB,
/// journald's `LineMax` 48 KiB, sshd's own messages 1 KiB), so the default cut never touches a real one.
public struct LineSplitter: Sendable {
    /// The default ``maximumLineLength``: 4 MiB.
    public static let defaultMaximumLineLength = 4 << 20

    /// The longest line handed out; longer lines are cut to this many bytes.
    public let maximumLineLength: Int
    /// The start of a line begun in an earlier chunk and not yet finished, at most ``maximumLineLength`` bytes.
    private var pending: [UInt8] = []
    /// Whether the pending line lost bytes past ``maximumLineLength``.
    private var pendingWasCut = false
    /// Lines handed out so far.
    public private(set) var lineCount = 0
    /// Lines handed out cut to ``maximumLineLength``.
    public private(set) var truncatedLineCount = 0

    /// - Parameter maximumLineLength: the longest line handed out (at least 1); longer ones are cut.
    public init(maximumLineLength: Int = LineSplitter.defaultMaximumLineLength) {
        self.maximumLineLength = max(maximumLineLength, 1)
    }

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
                var lineEnd = newline
                if newline - lineStart > self.maximumLineLength {
                    lineEnd = lineStart + self.maximumLineLength
                    self.truncatedLineCount += 1
                }
                try body(UnsafeBufferPointer(rebasing: chunk[lineStart..<lineEnd]))
            } else {
                self.appendPending(UnsafeBufferPointer(rebasing: chunk[lineStart..<newline]))
                if self.pendingWasCut { self.truncatedLineCount += 1 }
                try self.pending.withUnsafeBufferPointer { try body($0) }
                // Keep a small buffer for the next straddling line, give back one a huge line grew.
                self.pending.removeAll(keepingCapacity: self.pending.capacity <= 1 << 16)
                self.pendingWasCut = false
            }
            self.lineCount += 1
            lineStart = newline + 1
            index = lineStart
        }
        if lineStart < end {
            self.appendPending(UnsafeBufferPointer(rebasing: chunk[lineStart..<end]))
        }
    }

    /// Adds `bytes` to the pending line, dropping what goes past ``maximumLineLength``.
    private mutating func appendPending(_ bytes: UnsafeBufferPointer<UInt8>) {
        let room = self.maximumLineLength - self.pending.count
        if bytes.count > room { self.pendingWasCut = true }
        guard room > 0 else { return }
        self.pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<min(room, bytes.count)]))
    }

    /// Calls `body` with the last line if the stream did not end in a newline.
    public mutating func finish(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard !self.pending.isEmpty else { return }
        if self.pendingWasCut { self.truncatedLineCount += 1 }
        try self.pending.withUnsafeBufferPointer { try body($0) }
        self.pending.removeAll()
        self.pendingWasCut = false
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
