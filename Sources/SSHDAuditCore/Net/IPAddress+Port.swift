extension IPAddress {
    /// The address with `port`, as sshd and `ss -n` write an endpoint: `0.0.0.0:22`, and an IPv6 address in
    /// brackets, `[::1]:22`, since its colons would run into the port's.
    public func endpointDescription(port: some BinaryInteger) -> String {
        switch self.family {
        case .ipv4: "\(self):\(port)"
        case .ipv6: "[\(self)]:\(port)"
        }
    }
}
