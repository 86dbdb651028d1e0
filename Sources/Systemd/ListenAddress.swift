/// One address a socket unit listens on, an entry of its `Listen` property (for example `Stream`, `0.0.0.0:22`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The kind of listener as systemd names it: `Stream`, `Datagram`, `SequentialPacket`, `FIFO`, `Netlink`...
    public var type: String
    /// The address as systemd prints it: `[::]:22`, `0.0.0.0:22`, `/run/foo.sock`.
    public var address: String

    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }

    public var description: String { "\(self.type) \(self.address)" }
}
