/// A numeric IPv4 or IPv6 address as sshd_config uses it (ListenAddress, Match Address), parsed and printed
/// without the C library.
///
/// sshd parses addresses with `getaddrinfo(AI_NUMERICHOST)` and prints them with `getnameinfo`; this type
/// accepts the usual numeric forms and prints the same canonical text (`inet_ntop` style, `::` for the
/// longest run of zero groups).
public struct SSHDConfigAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        case inet
        case inet6
    }

    /// The family: 4 bytes for `.inet`, 16 for `.inet6`.
    public let family: Family
    /// The address in network byte order.
    public let bytes: [UInt8]

    /// Parses dotted-quad IPv4 (`192.0.2.1`) or IPv6 text (`2001:db8::1`, `::ffff:192.0.2.1`); `nil` otherwise.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if let v4 = Self.parseIPv4(Substring(text)) {
            self.family = .inet
            self.bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            self.family = .inet6
            self.bytes = v6
        } else {
            return nil
        }
    }

    private init(family: Family, bytes: [UInt8]) {
        self.family = family
        self.bytes = bytes
    }

    /// `0.0.0.0`, the IPv4 wildcard.
    public static let anyIPv4 = SSHDConfigAddress(family: .inet, bytes: [0, 0, 0, 0])
    /// `::`, the IPv6 wildcard.
    public static let anyIPv6 = SSHDConfigAddress(family: .inet6, bytes: [UInt8](repeating: 0, count: 16))

    /// Whether this address lies in `network`/`prefixLength`.
    public func isIn(network: SSHDConfigAddress, prefixLength: Int) -> Bool {
        guard self.family == network.family else { return false }
        return Self.masked(self.bytes, prefixLength) == Self.masked(network.bytes, prefixLength)
    }

    /// Whether no bits are set after the first `prefixLength` bits (sshd rejects `10.0.0.1/8`).
    func hostBitsAreZero(prefixLength: Int) -> Bool {
        Self.masked(self.bytes, prefixLength) == self.bytes
    }

    private static func masked(_ bytes: [UInt8], _ prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsHere = max(0, min(8, prefixLength - index * 8))
            let mask: UInt8 = bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
            result[index] &= mask
        }
        return result
    }

    public var description: String {
        switch self.family {
        case .inet:
            return self.bytes.map(String.init).joined(separator: ".")
        case .inet6:
            return Self.formatIPv6(self.bytes)
        }
    }

    // MARK: - Parsing

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(part), value <= 255
            else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        // A zone ("%eth0") does not change which address it is.
        let address = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard address.contains(":") else { return nil }
        let halves = address.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail && index == pieces.count - 1 && piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        var words: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false),
                let tail = groups(halves[1], allowIPv4Tail: true),
                head.count + tail.count <= 7
            else { return nil }
            words = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
            words = all
        }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// `inet_ntop(AF_INET6)`: the longest run (of at least two) zero groups becomes `::`, and IPv4-mapped
    /// or -compatible addresses end in dotted quad.
    private static func formatIPv6(_ bytes: [UInt8]) -> String {
        let words = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestBase = -1
        var bestLength = 0
        var currentBase = -1
        for index in 0..<8 {
            if words[index] == 0 {
                if currentBase == -1 { currentBase = index }
                let length = index - currentBase + 1
                if length > bestLength {
                    bestBase = currentBase
                    bestLength = length
                }
            } else {
                currentBase = -1
            }
        }
        if bestLength < 2 { bestBase = -1 }
        var text = ""
        var index = 0
        while index < 8 {
            if bestBase != -1 && index == bestBase {
                text += "::"
                index += bestLength
                continue
            }
            if index != 0 && !text.hasSuffix(":") { text += ":" }
            if index == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xFFFF)) {
                text += bytes[12...].map(String.init).joined(separator: ".")
                break
            }
            text += String(words[index], radix: 16)
            index += 1
        }
        return text
    }
}

extension Substring {
    /// Splits at `::` (at most the first occurrence matters; more than one makes an invalid address).
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring] {
        var result: [Substring] = []
        var start = self.startIndex
        var index = self.startIndex
        while index < self.endIndex {
            let next = self.index(after: index)
            if self[index] == ":" && next < self.endIndex && self[next] == ":" {
                result.append(self[start..<index])
                start = self.index(after: next)
                index = start
                continue
            }
            index = next
        }
        result.append(self[start...])
        return result
    }
}
