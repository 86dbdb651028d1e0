/// sshd's address lists for `Match Address` and `Match LocalAddress`: comma-separated CIDR blocks or
/// wildcard patterns, each optionally negated with `!` (OpenSSH's `addr_match_list`).
public enum SSHDAddressList {
    /// Why an address list is invalid, in sshd's terms.
    public struct Invalid: Error, Sendable, Hashable {
        /// The offending entry.
        public var entry: String
    }

    /// Checks `list` the way sshd does without a connection: an empty entry, or a CIDR block with a bad
    /// mask or host bits set (`10.0.0.1/8`), makes the whole list invalid.
    public static func validate(_ list: String) -> Invalid? {
        for entry in self.entries(list) {
            if entry.pattern.isEmpty { return Invalid(entry: entry.raw) }
            if case .invalid = self.cidr(entry.pattern) { return Invalid(entry: entry.raw) }
        }
        return nil
    }

    /// Matches `address` against `list`; an invalid list never matches.
    public static func match(_ address: String, list: String) -> SSHDPattern.ListMatch {
        guard let parsed = SSHDConfigAddress(address) else { return .none }
        var result = SSHDPattern.ListMatch.none
        for entry in self.entries(list) {
            if entry.pattern.isEmpty { return .none }
            let hit: Bool
            switch self.cidr(entry.pattern) {
            case .invalid:
                return .none
            case .network(let network, let prefixLength):
                hit = parsed.isIn(network: network, prefixLength: prefixLength)
            case .notCIDR:
                hit = SSHDPattern.matches(address, pattern: entry.pattern)
            }
            if hit {
                if entry.negated { return .negated }
                result = .matched
            }
        }
        return result
    }

    private enum CIDR {
        case network(SSHDConfigAddress, Int)
        case notCIDR
        case invalid
    }

    private static func entries(_ list: String) -> [(raw: String, pattern: String, negated: Bool)] {
        list.split(separator: ",", omittingEmptySubsequences: false).map { raw in
            let negated = raw.first == "!"
            return (String(raw), String(negated ? raw.dropFirst() : raw), negated)
        }
    }

    /// `addr_pton_cidr`: a numeric address with an optional `/len`.
    private static func cidr(_ text: String) -> CIDR {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var prefixLength: Int?
        if parts.count == 2 {
            guard let first = parts[1].utf8.first, first >= 48, first <= 57,
                parts[1].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(parts[1]), value <= 128
            else { return .notCIDR }
            prefixLength = value
        }
        guard let address = SSHDConfigAddress(parts[0]) else { return .notCIDR }
        let maximum = address.family == .inet ? 32 : 128
        let length = prefixLength ?? maximum
        guard length <= maximum, address.hostBitsAreZero(prefixLength: length) else { return .invalid }
        return .network(address, length)
    }
}
