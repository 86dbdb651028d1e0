/// A process holding a socket open: one `/proc/PID/fd/N` link to `socket:[inode]`.
public struct SocketOwner: Sendable, Hashable, Comparable {
    /// The process id.
    public var pid: Int32
    /// The file descriptor number in that process (`ss -p` prints it as `fd=`).
    public var fileDescriptor: Int32
    /// The process's command name from `/proc/PID/comm` (at most 15 bytes, as the kernel keeps it);
    /// `nil` if the process exited before it could be read.
    public var command: String?

    /// An owner from its parts.
    public init(pid: Int32, fileDescriptor: Int32, command: String?) {
        self.pid = pid
        self.fileDescriptor = fileDescriptor
        self.command = command
    }

    /// Sorts by pid, then by file descriptor.
    public static func < (lhs: SocketOwner, rhs: SocketOwner) -> Bool {
        (lhs.pid, lhs.fileDescriptor) < (rhs.pid, rhs.fileDescriptor)
    }
}
