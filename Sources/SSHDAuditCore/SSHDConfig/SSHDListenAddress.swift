/// One address and port sshd listens on, as `sshd -T` prints it (`listenaddress [::]:22`).
public struct SSHDListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric address; `0.0.0.0` and `::` are the wildcards.
    public var address: IPAddress
    /// The TCP port.
    public var port: Int

    /// One listening endpoint: `address` (without brackets or zone) and `port`.
    public init(address: IPAddress, port: Int) {
        self.address = address
        self.port = port
    }

    /// `0.0.0.0:22` or `[::]:22`.
    public var description: String { self.address.endpointDescription(port: self.port) }
}
