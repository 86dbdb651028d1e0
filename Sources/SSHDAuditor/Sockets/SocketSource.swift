/// Where ``ListeningSocketReader`` learns the host's TCP listeners from.
public enum SocketSource: String, Sendable, Hashable, CaseIterable {
    /// Netlink when reading the live `/proc`, falling back to the `/proc` tables when netlink fails
    /// (a container whose seccomp policy refuses `AF_NETLINK`, a kernel without `tcp_diag`); the
    /// `/proc` tables when reading another proc root, which netlink cannot see.
    case auto
    /// Only netlink `sock_diag` (``NetlinkSocketDiagReader``): the kernel returns the listeners alone,
    /// so the cost does not grow with the number of connections.
    case netlink
    /// Only `<procRoot>/net/tcp` and `tcp6`: the kernel prints every socket and the reader keeps the
    /// listeners, so the cost grows with the number of connections.
    case proc
}
