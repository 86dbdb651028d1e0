import SSHDAuditCore
import SystemPackage

/// A ``ByteWriter`` in front of a file descriptor: callers render lines into ``buffer`` and call
/// ``flushIfFull()``; one `write(2)` goes out per ``capacity`` bytes instead of one per line.
public struct BufferedOutput: ~Copyable {
    /// Rendered output not yet written.
    public var buffer: ByteWriter
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
        // Room for the last line appended before a flush, which can push the buffer past its capacity.
        self.buffer = ByteWriter(capacity: capacity + 4096)
    }

    /// Writes the buffer if it holds ``capacity`` bytes or more.
    @inline(__always)
    public mutating func flushIfFull() throws {
        if self.buffer.count >= self.capacity { try self.flush() }
    }

    /// Writes everything buffered (retrying short writes and `EINTR`).
    public mutating func flush() throws {
        guard self.buffer.count > 0 else { return }
        try self.buffer.withUnsafeBytes { bytes throws in _ = try self.descriptor.writeAll(bytes) }
        self.buffer.removeAll()
    }
}
