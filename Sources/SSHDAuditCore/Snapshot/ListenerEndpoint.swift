/// A TCP socket in LISTEN state, reduced to what the checks compare: address, port and holders.
///
/// The collector builds it from the `sockets` model (`ListeningSocket`); addresses are the canonical numeric
/// text both the sockets and the sshd_config models print (`0.0.0.0`, `::`, `192.0.2.1`, `2001:db8::1`), so
/// configured and listening endpoints compare as text.
public struct ListenerEndpoint: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// A process holding the socket.
    public struct Holder: Sendable, Hashable {
        /// Its pid.
        public var pid: Int32
        /// Its command name (`/proc/PID/comm`), when readable.
        public var command: String?

        public init(pid: Int32, command: String?) {
            self.pid = pid
            self.command = command
        }

        /// `sshd[812]` or `[812]`.
        public var label: String { "\(self.command ?? "")[\(self.pid)]" }
    }

    /// The local address, canonical numeric text.
    public var address: String
    /// The local port.
    public var port: UInt16
    /// The processes holding it; empty when they could not be determined (no access to /proc/PID/fd).
    public var holders: [Holder]

    public init(address: String, port: UInt16, holders: [Holder] = []) {
        self.address = address
        self.port = port
        self.holders = holders
    }

    /// Whether the address is IPv6 (it contains a colon).
    public var isIPv6: Bool { self.address.contains(":") }

    /// `0.0.0.0:22` or `[::]:22`, as `sshd -T` prints listen addresses.
    public var description: String { self.isIPv6 ? "[\(self.address)]:\(self.port)" : "\(self.address):\(self.port)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.port, lhs.address) < (rhs.port, rhs.address) }
}
