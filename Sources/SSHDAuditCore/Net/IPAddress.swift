/// An IPv4 or IPv6 address, as a value.
///
/// The textual form is the one `ss -n`, `ip` and sshd's own log lines print, because glibc's
/// `inet_ntop(3)` produces all of them:
///
/// - IPv4 in dotted decimal: `127.0.0.1`, and `0.0.0.0` for the wildcard address.
/// - IPv6 in RFC 5952 form: lower-case hex, no leading zeros, the first longest run of two or more
///   zero groups written `::`: `::1`, `fe80::1`, and `::` for the wildcard address.
/// - IPv6 addresses that embed an IPv4 address end in dotted decimal, as `inet_ntop` writes them:
///   v4-mapped `::ffff:127.0.0.1` and the deprecated IPv4-compatible `::127.0.0.2`.
///
/// Brackets and ports are not part of an address; ``TCPEndpoint`` adds them.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Which family the address belongs to.
    public let family: AddressFamily
    /// The first 64 bits of an IPv6 address in network order; 0 for IPv4.
    private let high: UInt64
    /// The last 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits, in network order.
    private let low: UInt64

    // MARK: - Creating addresses

    /// An IPv4 address from its 32-bit value, first octet most significant: `0x7F00_0001` is `127.0.0.1`.
    public init(ipv4 value: UInt32) {
        self.family = .ipv4
        self.high = 0
        self.low = UInt64(value)
    }

    /// An IPv6 address from its two 64-bit halves, first byte most significant:
    /// `IPAddress(ipv6High: 0, low: 1)` is `::1`.
    public init(ipv6High high: UInt64, low: UInt64) {
        self.family = .ipv6
        self.high = high
        self.low = low
    }

    /// An address from its bytes in network order: 4 bytes make an IPv4 address, 16 an IPv6 address.
    ///
    /// Returns `nil` for any other count.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self.init(ipv4: UInt32(truncatingIfNeeded: Self.bigEndianValue(of: bytes)))
        case 16:
            self.init(
                ipv6High: Self.bigEndianValue(of: bytes.prefix(8)),
                low: Self.bigEndianValue(of: bytes.dropFirst(8))
            )
        default:
            return nil
        }
    }

    /// Parses the textual form of an IPv4 address (`192.0.2.1`) or an IPv6 address (`2001:db8::1`,
    /// `::ffff:192.0.2.1`), as `inet_pton(3)` accepts them.
    ///
    /// Returns `nil` for anything else, including brackets, ports, zone indices (`fe80::1%eth0`) and
    /// IPv4 octets with leading zeros (which some tools read as octal).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        if bytes.contains(UInt8(ascii: ":")) {
            guard let (high, low) = Self.parseIPv6(bytes) else { return nil }
            self.init(ipv6High: high, low: low)
        } else {
            guard let value = Self.parseIPv4(bytes[...]) else { return nil }
            self.init(ipv4: value)
        }
    }

    /// `0.0.0.0`: an IPv4 socket bound to it listens on every IPv4 address of the host.
    public static let ipv4Unspecified = IPAddress(ipv4: 0)
    /// `127.0.0.1`.
    public static let ipv4Loopback = IPAddress(ipv4: 0x7F00_0001)
    /// `::`: an IPv6 socket bound to it listens on every IPv6 address, and on every IPv4 address too
    /// unless the socket is `IPV6_V6ONLY` (sshd sets that option on its IPv6 listeners).
    public static let ipv6Unspecified = IPAddress(ipv6High: 0, low: 0)
    /// `::1`.
    public static let ipv6Loopback = IPAddress(ipv6High: 0, low: 1)

    // MARK: - Properties

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        switch self.family {
        case .ipv4:
            return (0..<4).map { UInt8(truncatingIfNeeded: self.low >> (24 - 8 * UInt64($0))) }
        case .ipv6:
            return (0..<8).map { UInt8(truncatingIfNeeded: self.high >> (56 - 8 * UInt64($0))) }
                + (0..<8).map { UInt8(truncatingIfNeeded: self.low >> (56 - 8 * UInt64($0))) }
        }
    }

    /// The 32-bit value of an IPv4 address (first octet most significant); `nil` for IPv6.
    public var ipv4Value: UInt32? {
        self.family == .ipv4 ? UInt32(truncatingIfNeeded: self.low) : nil
    }

    /// Whether this is the wildcard address, `0.0.0.0` or `::`.
    public var isUnspecified: Bool {
        self.high == 0 && self.low == 0
    }

    /// Whether this is a loopback address: `127.0.0.0/8`, `::1`, or a v4-mapped `::ffff:127.x.y.z`.
    public var isLoopback: Bool {
        switch self.family {
        case .ipv4:
            return self.low >> 24 == 127
        case .ipv6:
            if let mapped = self.unmappedIPv4 { return mapped.isLoopback }
            return self.high == 0 && self.low == 1
        }
    }

    /// Whether this is an IPv4-mapped IPv6 address, `::ffff:a.b.c.d` (RFC 4291, section 2.5.5.2).
    ///
    /// An IPv6 socket that is not `IPV6_V6ONLY` sees IPv4 peers, and reports IPv4 local addresses, in
    /// this form: `/proc/net/tcp6` then lists, say, `::ffff:127.0.0.1` where an IPv4 socket would show
    /// `127.0.0.1`.
    public var isIPv4Mapped: Bool {
        self.family == .ipv6 && self.high == 0 && self.low >> 32 == 0xFFFF
    }

    /// The IPv4 address inside a v4-mapped IPv6 address (`::ffff:127.0.0.1` gives `127.0.0.1`); `nil`
    /// for any other address.
    public var unmappedIPv4: IPAddress? {
        self.isIPv4Mapped ? IPAddress(ipv4: UInt32(truncatingIfNeeded: self.low)) : nil
    }

    /// The v4-mapped IPv6 form of an IPv4 address (`127.0.0.1` gives `::ffff:127.0.0.1`); IPv6 addresses
    /// are returned unchanged.
    public var ipv4Mapped: IPAddress {
        guard self.family == .ipv4 else { return self }
        return IPAddress(ipv6High: 0, low: 0xFFFF_0000_0000 | self.low)
    }

    // MARK: - Prefixes

    /// The number of bits in an address of this family: 32 or 128.
    public var bitCount: Int { self.family == .ipv4 ? 32 : 128 }

    /// The first and last address of the network `self/prefixLength` (`198.51.100.77/24` gives
    /// `198.51.100.0...198.51.100.255`); `nil` when the length is outside 0...bitCount.
    public func network(prefixLength: Int) -> ClosedRange<IPAddress>? {
        guard prefixLength >= 0, prefixLength <= self.bitCount else { return nil }
        // Work in 128 bits with IPv4 in the low 32: keep the top (96 + length) bits for IPv4.
        let kept = (self.family == .ipv4 ? 96 : 0) + prefixLength
        let highMask: UInt64 = kept >= 64 ? .max : (kept <= 0 ? 0 : ~(UInt64.max >> UInt64(kept)))
        let lowKept = kept - 64
        let lowMask: UInt64 = lowKept >= 64 ? .max : (lowKept <= 0 ? 0 : ~(UInt64.max >> UInt64(lowKept)))
        let familyLowBits: UInt64 = self.family == .ipv4 ? 0xFFFF_FFFF : .max
        let familyHighBits: UInt64 = self.family == .ipv4 ? 0 : .max
        let first = IPAddress(family: self.family, high: self.high & highMask, low: self.low & lowMask)
        let last = IPAddress(
            family: self.family,
            high: first.high | (~highMask & familyHighBits),
            low: first.low | (~lowMask & familyLowBits)
        )
        return first...last
    }

    /// Whether this address lies in `network/prefixLength`; addresses of another family never do.
    public func isIn(network: IPAddress, prefixLength: Int) -> Bool {
        guard self.family == network.family, let range = network.network(prefixLength: prefixLength) else {
            return false
        }
        return range.contains(self)
    }

    private init(family: AddressFamily, high: UInt64, low: UInt64) {
        self.family = family
        self.high = high
        self.low = low
    }

    /// IPv4 addresses sort before IPv6 ones; within a family, addresses sort by value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.family, lhs.high, lhs.low) < (rhs.family, rhs.high, rhs.low)
    }

    // MARK: - Formatting

    /// The address as `inet_ntop(3)` writes it; see the type's documentation.
    public var description: String {
        switch self.family {
        case .ipv4:
            return Self.dottedDecimal(UInt32(truncatingIfNeeded: self.low))
        case .ipv6:
            return self.ipv6Text
        }
    }

    private static func dottedDecimal(_ value: UInt32) -> String {
        "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    /// RFC 5952 text, following glibc's `inet_ntop6` case by case so that the output matches `ss -n`
    /// exactly, including the embedded-IPv4 forms.
    private var ipv6Text: String {
        let groups: [UInt16] = (0..<8).map { index in
            let half = index < 4 ? self.high : self.low
            return UInt16(truncatingIfNeeded: half >> (48 - 16 * UInt64(index % 4)))
        }
        // The first longest run of zero groups; a single zero group is never compressed.
        var best = (start: -1, length: 0)
        var current = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if current.start < 0 { current = (index, 0) }
                current.length += 1
                if current.length > best.length { best = current }
            } else {
                current = (-1, 0)
            }
        }
        if best.length < 2 { best = (-1, 0) }

        let embedsIPv4 = best.start == 0 && (best.length == 6 || (best.length == 5 && groups[5] == 0xFFFF))
        var text = ""
        for index in 0..<8 {
            if best.start >= 0, index >= best.start, index < best.start + best.length {
                if index == best.start { text += ":" }
                continue
            }
            if index != 0 { text += ":" }
            if index == 6, embedsIPv4 {
                text += Self.dottedDecimal(UInt32(truncatingIfNeeded: self.low))
                return text
            }
            text += String(groups[index], radix: 16)
        }
        if best.start >= 0, best.start + best.length == 8 { text += ":" }
        return text
    }

    // MARK: - Parsing

    private static func bigEndianValue(of bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Dotted decimal, exactly four parts of 0-255 without leading zeros.
    private static func parseIPv4(_ text: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var index = text.startIndex
        for part in 0..<4 {
            if part > 0 {
                guard index < text.endIndex, text[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
            var octet: UInt32 = 0
            var digits = 0
            while index < text.endIndex, let digit = Self.decimalDigit(text[index]) {
                // A leading zero is refused, as inet_pton(3) refuses it: "010" is 8 to some tools.
                if digits > 0, octet == 0 { return nil }
                octet = octet * 10 + digit
                digits += 1
                index += 1
                if octet > 255 { return nil }
            }
            guard digits > 0 else { return nil }
            value = value << 8 | octet
        }
        return index == text.endIndex ? value : nil
    }

    /// RFC 4291 text: up to eight hex groups, at most one `::`, optionally ending in dotted decimal.
    private static func parseIPv6(_ text: [UInt8]) -> (UInt64, UInt64)? {
        let colon = UInt8(ascii: ":")
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var compressed = false
        var index = 0
        if text.starts(with: [colon, colon]) {
            compressed = true
            index = 2
        } else if text.first == colon {
            return nil
        }
        while index < text.count {
            var group: UInt32 = 0
            var end = index
            while end < text.count, let digit = Self.hexDigit(text[end]) {
                group = group << 4 | digit
                end += 1
            }
            if end < text.count, text[end] == UInt8(ascii: ".") {
                // The last 32 bits written as dotted decimal: two groups.
                guard let ipv4 = Self.parseIPv4(text[index...]) else { return nil }
                let groups = [UInt16(truncatingIfNeeded: ipv4 >> 16), UInt16(truncatingIfNeeded: ipv4)]
                if compressed { tail += groups } else { head += groups }
                index = text.count
                break
            }
            guard end > index, end - index <= 4 else { return nil }
            if compressed { tail.append(UInt16(group)) } else { head.append(UInt16(group)) }
            index = end
            if index == text.count { break }
            guard text[index] == colon else { return nil }
            index += 1
            if index < text.count, text[index] == colon {
                guard !compressed else { return nil }
                compressed = true
                index += 1
            } else if index == text.count {
                return nil
            }
        }
        let count = head.count + tail.count
        guard compressed ? count <= 7 : count == 8 else { return nil }
        let groups = head + [UInt16](repeating: 0, count: 8 - count) + tail
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    private static func decimalDigit(_ byte: UInt8) -> UInt32? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? UInt32(byte - UInt8(ascii: "0")) : nil
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
