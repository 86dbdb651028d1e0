import SystemPackage

/// A file or directory under the proc root that could not be read.
public struct ProcAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done: `read`, `list` or `readlink`.
    public var operation: String
    /// The path, under the configured proc root.
    public var path: String
    /// Why it failed.
    public var errno: Errno

    /// An error from its parts.
    public init(operation: String, path: String, errno: Errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// `cannot read /proc/net/tcp: No such file or directory`.
    public var description: String {
        "cannot \(self.operation) \(self.path): \(self.errno)"
    }

    /// Whether the path is simply gone: the process exited while it was being inspected.
    var isVanished: Bool {
        self.errno == .noSuchFileOrDirectory || self.errno == .noSuchProcess
    }
}
