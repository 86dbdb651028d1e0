/// One end of a TCP socket: an address and a port.
public struct TCPEndpoint: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The IP address; the wildcard address (`0.0.0.0`, `::`) for a socket listening on all of them.
    public var address: IPAddress
    /// The port in host byte order; 0 for the unconnected remote end of a listener.
    public var port: UInt16

    /// An endpoint from its parts.
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `address:port` as `ss -n` prints it: `0.0.0.0:22`, `127.0.0.1:2222`, and IPv6 in brackets:
    /// `[::]:22`, `[::1]:22`, `[::ffff:127.0.0.1]:22`.
    ///
    /// One convention differs from `ss`: `ss` prints an IPv6 wildcard socket that also accepts IPv4 (not
    /// `IPV6_V6ONLY`) as `*:22`, but `/proc/net/tcp6` does not say whether a socket is v6-only, so the
    /// IPv6 wildcard is always `[::]:22` here. sshd sets `IPV6_V6ONLY` on its IPv6 listeners, where
    /// `ss` prints `[::]:22` too.
    public var description: String { self.address.endpointDescription(port: self.port) }

    /// Sorts by port first, then by address, so that every listener on one port lines up.
    public static func < (lhs: TCPEndpoint, rhs: TCPEndpoint) -> Bool {
        (lhs.port, lhs.address) < (rhs.port, rhs.address)
    }
}
