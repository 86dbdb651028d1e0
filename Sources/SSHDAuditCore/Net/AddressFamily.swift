/// The address family of an IP address or socket.
///
/// The kernel files TCP sockets by family: `/proc/net/tcp` lists the `AF_INET` sockets and
/// `/proc/net/tcp6` the `AF_INET6` ones, including IPv6 sockets that carry IPv4 traffic through
/// v4-mapped addresses (`::ffff:127.0.0.1`).
public enum AddressFamily: String, Sendable, Hashable, Comparable, CaseIterable {
    /// IPv4 (`AF_INET`): 32-bit addresses.
    case ipv4
    /// IPv6 (`AF_INET6`): 128-bit addresses.
    case ipv6

    /// IPv4 sorts before IPv6, as `ss` lists them.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs == .ipv4 && rhs == .ipv6
    }
}
