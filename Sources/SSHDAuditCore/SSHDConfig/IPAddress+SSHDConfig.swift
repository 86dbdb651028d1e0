extension IPAddress {
    /// Parses a numeric host as sshd_config writes one (`ListenAddress`, `Match Address`, host names
    /// `getaddrinfo` resolved): every form ``init(_:)`` accepts, and an IPv6 address followed by a zone
    /// (`fe80::1%eth0`).
    ///
    /// sshd reads these with `getaddrinfo(AI_NUMERICHOST)`, and `getnameinfo(NI_NUMERICHOST)` writes a
    /// link-local address back with its zone. The zone picks the interface a link-local address is
    /// reached through, not a different address, so it is dropped: `fe80::1%eth0` is `fe80::1`.
    ///
    /// Returns `nil` for anything else. IPv4 octets with leading zeros are refused as ``init(_:)``
    /// refuses them: glibc reads `010.0.0.1` as octal, `8.0.0.1`, so such text is left to the resolver,
    /// which reads it the way sshd does, rather than guessed at here.
    public init?(sshdNumericHost text: some StringProtocol) {
        if let address = IPAddress(text) {
            self = address
            return
        }
        guard let percent = text.firstIndex(of: "%"),
            let address = IPAddress(text[..<percent]),
            address.family == .ipv6
        else { return nil }
        self = address
    }

    /// Whether every bit after the first `prefixLength` bits is zero, as sshd's `addr_pton_cidr`
    /// requires of a CIDR block: `10.0.0.0/8` is a network, `10.0.0.1/8` an error.
    ///
    /// Returns `false` when `prefixLength` is outside `0...bitCount`.
    public func hostBitsAreZero(prefixLength: Int) -> Bool {
        self.network(prefixLength: prefixLength)?.lowerBound == self
    }
}
