extension IPAddress {
    /// Whether this address is in `element`: an address, a prefix (`10.0.0.0/8`) or a range (`a-b`),
    /// as nftables sets and iptables `-s` write them. `nil` when `element` does not parse.
    public func isContained(in element: String) -> Bool? {
        Self.bounds(of: element).map { $0.contains(self) }
    }

    /// The first and last address `element` covers (an address, a prefix or a range); `nil` when it does
    /// not parse. IPv4 sorts before IPv6, so a range never mixes families.
    ///
    /// iptables may also write netmasks (`/255.255.255.0`); those do not parse and are reported unknown.
    public static func bounds(of element: String) -> ClosedRange<IPAddress>? {
        if let slash = element.firstIndex(of: "/") {
            guard let base = IPAddress(element[..<slash]),
                let length = Int(element[element.index(after: slash)...])
            else { return nil }
            return base.network(prefixLength: length)
        }
        if let dash = element.firstIndex(of: "-") {
            guard let first = IPAddress(element[..<dash]),
                let last = IPAddress(element[element.index(after: dash)...]),
                first.family == last.family, first <= last
            else { return nil }
            return first...last
        }
        guard let address = IPAddress(element) else { return nil }
        return address...address
    }
}
