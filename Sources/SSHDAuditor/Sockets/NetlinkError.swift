import SystemPackage

/// A netlink `sock_diag` request that failed: the call that failed and the `errno` it gave.
public struct NetlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The failing call, such as `socket(AF_NETLINK, NETLINK_SOCK_DIAG)`, `send`, `recv`, or
    /// `SOCK_DIAG_BY_FAMILY(AF_INET6)` for an error the kernel answered with.
    public var call: String
    /// Why it failed; `EPROTO` when the kernel's answer could not be read.
    public var errno: Errno

    /// An error from its parts.
    public init(call: String, errno: Errno) {
        self.call = call
        self.errno = errno
    }

    /// `socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed: Operation not permitted`.
    public var description: String {
        "\(self.call) failed: \(self.errno)"
    }
}
