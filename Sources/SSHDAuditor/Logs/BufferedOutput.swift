import SystemPackage

/// A byte buffer in front of a file descriptor: callers append rendered lines to ``bytes`` and call
/// ``flushIfFull()``; one `write(2)` goes out per ``capacity`` bytes instead of one per line.
public struct BufferedOutput: ~Copyable {
    /// Rendered output not yet written.
    public var bytes: [UInt8]
    /// Size at which ``flushIfFull()`` writes.
    public let capacity: Int
    private let descriptor: FileDescriptor

    /// A buffer in front of standard output.
    public static func standardOutput(capacity: Int = 1 << 16) -> BufferedOutput {
        BufferedOutput(descriptor: .standardOutput, capacity: capacity)
    }

    /// A buffer in front of standard error.
    public static func standardError(capacity: Int = 1 << 16) -> BufferedOutput {
        BufferedOutput(descriptor: .standardError, capacity: capacity)
    }

    private init(descriptor: FileDescriptor, capacity: Int) {
        self.descriptor = descriptor
        self.capacity = capacity
        self.bytes = []
        // Room for the last line appended before a flush, which can push the buffer past its capacity.
        self.bytes.reserveCapacity(capacity + 4096)
    }

    /// Writes the buffer if it holds ``capacity`` bytes or more.
    @inline(__always)
    public mutating func flushIfFull() throws {
        if self.bytes.count >= self.capacity { try self.flush() }
    }

    /// Writes everything buffered (retrying short writes and `EINTR`).
    public mutating func flush() throws {
        guard !self.bytes.isEmpty else { return }
        try self.bytes.withUnsafeBytes { _ = try self.descriptor.writeAll($0) }
        self.bytes.removeAll(keepingCapacity: true)
    }
}
