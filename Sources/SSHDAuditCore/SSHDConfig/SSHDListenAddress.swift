/// One address and port sshd listens on, as `sshd -T` prints it (`listenaddress [::]:22`).
public struct SSHDListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric address; `0.0.0.0` and `::` are the wildcards.
    public var address: SSHDConfigAddress
    /// The TCP port.
    public var port: Int

    public init(address: SSHDConfigAddress, port: Int) {
        self.address = address
        self.port = port
    }

    /// `0.0.0.0:22` or `[::]:22`.
    public var description: String {
        switch self.address.family {
        case .inet: "\(self.address):\(self.port)"
        case .inet6: "[\(self.address)]:\(self.port)"
        }
    }
}
