/// An IPv4 or IPv6 address, parsed without Glibc so firewall address matches can be decided in Core.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
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
    /// IPv4 before IPv6, then numerically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low)
    }

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
        Self.bounds(of: element).map { $0.contains(self) }
    }

    /// The first and last address `element` covers (an address, a prefix or a range); `nil` when it does
    /// not parse. IPv4 sorts before IPv6, so a range never mixes families.
    ///
    /// iptables may also write netmasks (`/255.255.255.0`); those do not parse and are reported unknown.
    public static func bounds(of element: String) -> ClosedRange<IPAddress>? {
        if let slash = element.firstIndex(of: "/") {
            guard let base = IPAddress(String(element[..<slash])),
                let length = Int(element[element.index(after: slash)...])
            else { return nil }
            let bits = base.isIPv6 ? 128 : 32
            guard length >= 0, length <= bits else { return nil }
            // Work in 128 bits, with IPv4 in the low 32: keep the top (96 + length) bits.
            let kept = (base.isIPv6 ? 0 : 96) + length
            let highMask: UInt64 = kept >= 64 ? .max : (kept <= 0 ? 0 : ~(UInt64.max >> UInt64(kept)))
            let lowKept = kept - 64
            let lowMask: UInt64 = lowKept >= 64 ? .max : (lowKept <= 0 ? 0 : ~(UInt64.max >> UInt64(lowKept)))
            var first = base
            first.high &= highMask
            first.low &= lowMask
            var last = first
            last.high |= ~highMask & (base.isIPv6 ? .max : 0)
            last.low |= ~lowMask & (base.isIPv6 ? .max : 0xFFFF_FFFF)
            return first...last
        }
        if let dash = element.firstIndex(of: "-") {
            guard let first = IPAddress(String(element[..<dash])),
                let last = IPAddress(String(element[element.index(after: dash)...])),
                first.isIPv6 == last.isIPv6, first <= last
            else { return nil }
            return first...last
        }
        guard let address = IPAddress(element) else { return nil }
        return address...address
    }

    /// Dotted quad over the UTF-8 bytes: ban lists hold many thousands of these, so no splitting.
    private static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                (octet, digits, dots) = (0, 0, dots + 1)
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 {
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, dots == 3 else { return nil }
        return value << 8 | octet
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
