/// An IPv4 or IPv6 address, parsed without Glibc so firewall address matches can be decided in Core.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Whether the address is IPv4 (`ip`) or IPv6 (`ip6`).
    public var isIPv6: Bool
    /// The upper 64 bits of an IPv6 address; 0 for IPv4.
    public var high: UInt64
    /// The lower 64 bits (IPv4 in the low 32).
    public var low: UInt64

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail);
    /// `nil` for anything else.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let (high, low) = Self.parseIPv6(Substring(text)) else { return nil }
            (self.isIPv6, self.high, self.low) = (true, high, low)
        } else {
            guard let value = Self.parseIPv4(Substring(text)) else { return nil }
            (self.isIPv6, self.high, self.low) = (false, 0, UInt64(value))
        }
    }

    /// Dotted quad, or eight uncompressed hexadecimal groups.
    public var description: String {
        if !self.isIPv6 {
            let v = UInt32(truncatingIfNeeded: self.low)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        }
        let groups = (0..<8).map { index -> String in
            let word = index < 4 ? self.high : self.low
            let value = word >> (UInt64(3 - index % 4) * 16) & 0xFFFF
            return String(value, radix: 16)
        }
        return groups.joined(separator: ":")
    }

    /// Whether this address is in `element`: an address, a prefix (`10.0.0.0/8`) or a range (`a-b`),
    /// as nftables sets and iptables `-s` write them. `nil` when `element` does not parse.
    public func isContained(in element: String) -> Bool? {
        if let slash = element.firstIndex(of: "/") {
            guard let base = IPAddress(String(element[..<slash])),
                let length = Int(element[element.index(after: slash)...])
            else { return nil }
            if base.isIPv6 != self.isIPv6 { return false }
            let bits = self.isIPv6 ? 128 : 32
            guard length >= 0, length <= bits else { return nil }
            // iptables also writes netmasks (`/255.255.255.0`); those fail `Int` above and are reported unknown.
            let shift = (self.isIPv6 ? 0 : 96) + length
            return Self.masked(self, keeping: shift) == Self.masked(base, keeping: shift)
        }
        if let dash = element.firstIndex(of: "-") {
            guard let first = IPAddress(String(element[..<dash])),
                let last = IPAddress(String(element[element.index(after: dash)...]))
            else { return nil }
            if first.isIPv6 != self.isIPv6 { return false }
            return (first.high, first.low) <= (self.high, self.low) && (self.high, self.low) <= (last.high, last.low)
        }
        guard let other = IPAddress(element) else { return nil }
        return other == self
    }

    /// The top `bits` bits of the 128-bit value (IPv4 counted as if mapped into the low 32 bits).
    private static func masked(_ address: IPAddress, keeping bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? address.high : (bits <= 0 ? 0 : address.high & ~(UInt64.max >> UInt64(bits)))
        let lowBits = bits - 64
        let low: UInt64 =
            lowBits >= 64 ? address.low : (lowBits <= 0 ? 0 : address.low & ~(UInt64.max >> UInt64(lowBits)))
        return (high, low)
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt8(part) else {
                return nil
            }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        // Split at "::" once; each side is a list of groups, the right side may end in dotted IPv4.
        var head: [UInt16] = []
        var tail: [UInt16] = []
        let pieces = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count <= 2 else { return nil }
        guard let left = Self.groups(pieces[0]) else { return nil }
        head = left
        if pieces.count == 2 {
            guard let right = Self.groups(pieces[1]) else { return nil }
            tail = right
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard head.count == 8 else { return nil }
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, group) in all.enumerated() {
            if index < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        return (high, low)
    }

    private static func groups(_ text: Substring) -> [UInt16]? {
        if text.isEmpty { return [] }
        var result: [UInt16] = []
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, part.contains(".") {
                guard let v4 = Self.parseIPv4(part) else { return nil }
                result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
            } else {
                guard !part.isEmpty, part.count <= 4, let group = UInt16(part, radix: 16) else { return nil }
                result.append(group)
            }
        }
        return result
    }
}
