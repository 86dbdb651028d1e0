import SystemPackage

/// A system call on a log file or state file failed, for a reason other than the file being absent.
public struct LogSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The operation, such as `open` or `rename`.
    public var operation: String
    /// The file it was applied to.
    public var path: String
    /// Why it failed.
    public var errno: Errno

    public init(operation: String, path: String, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "failed to \(self.operation) \(self.path): \(self.errno)" }
}
