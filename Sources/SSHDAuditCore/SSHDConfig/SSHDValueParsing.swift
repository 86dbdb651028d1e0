/// The small value parsers sshd uses (misc.c, log.c), reproduced so values are accepted and printed
/// exactly as sshd does.
enum SSHDValueParsing {
    /// `a2port`: a number 0...65535, or the tcp service `ssh`; `nil` otherwise.
    static func port(_ text: String) -> Int? {
        if let value = self.strictInteger(text), (0...65535).contains(value) { return value }
        return text == "ssh" ? 22 : nil
    }

    /// `strtonum`-style: optional sign and decimal digits only.
    static func strictInteger(_ text: String) -> Int? {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        guard let value = Int(text.first == "+" ? String(text.dropFirst()) : text),
            value >= Int(Int32.min), value <= Int(Int32.max)
        else { return nil }
        return value
    }

    /// sshd's `atoi_err`: a whole number 0...Int32.max, or why not (`missing`, `invalid`, `too small`,
    /// `too large`), in the words of its error message.
    static func count(_ text: String?) -> (value: Int?, problem: String?) {
        guard let text else { return (nil, "missing") }
        var body = Substring(text)
        let negative = body.first == "-"
        if body.first == "+" || negative { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return (nil, "invalid") }
        if negative { return body.allSatisfy { $0 == "0" } ? (0, nil) : (nil, "too small") }
        guard let value = Int(body), value <= Int(Int32.max) else { return (nil, "too large") }
        return (value, nil)
    }

    /// `convtime`: `90`, `1m30s`, `2h`, `1w`... in seconds; `nil` for anything else.
    static func seconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var total = 0
        var index = 0
        while index < bytes.count {
            let start = index
            while index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
            guard index > start, let value = Int(String(decoding: bytes[start..<index], as: UTF8.self)) else {
                return nil
            }
            var multiplier = 1
            if index < bytes.count {
                switch bytes[index] | 0x20 {
                case UInt8(ascii: "s"): multiplier = 1
                case UInt8(ascii: "m"): multiplier = 60
                case UInt8(ascii: "h"): multiplier = 3600
                case UInt8(ascii: "d"): multiplier = 86400
                case UInt8(ascii: "w"): multiplier = 604800
                default: return nil
                }
                index += 1
            }
            guard value <= Int(Int32.max) / multiplier else { return nil }
            total += value * multiplier
            guard total <= Int(Int32.max) else { return nil }
        }
        return total
    }

    /// `scan_scaled` for whole numbers: `1G` is 1073741824.
    static func scaledBytes(_ text: String) -> Int? {
        guard let last = text.last else { return nil }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let unit = units[Character(last.uppercased())] {
            guard let value = Int(text.dropLast()), value >= 0 else { return nil }
            return value * unit
        }
        guard let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// `sscanf(text, "%d")` semantics for each `:`-separated field: how many leading fields parsed.
    static func colonFields(_ text: String, count: Int) -> [Int] {
        var result: [Int] = []
        var rest = Substring(text)
        for index in 0..<count {
            if index > 0 {
                guard rest.first == ":" else { break }
                rest = rest.dropFirst()
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            var digits = ""
            if let sign = rest.first, sign == "-" || sign == "+" {
                digits.append(sign)
                rest = rest.dropFirst()
            }
            let number = rest.prefix { $0.isASCII && $0.isNumber }
            guard !number.isEmpty, let value = Int(digits + number) else { break }
            rest = rest.dropFirst(number.count)
            result.append(value)
        }
        return result
    }

    /// IPQoS names and their DSCP/ToS values (misc.c `ipqos[]`), in the order `iptos2str` searches them.
    static let ipQoSNames: [(name: String, value: Int)] = [
        ("none", Int(Int32.max)), ("af11", 0x28), ("af12", 0x30), ("af13", 0x38), ("af21", 0x48), ("af22", 0x50),
        ("af23", 0x58), ("af31", 0x68), ("af32", 0x70), ("af33", 0x78), ("af41", 0x88), ("af42", 0x90),
        ("af43", 0x98), ("cs0", 0x00), ("cs1", 0x20), ("cs2", 0x40), ("cs3", 0x60), ("cs4", 0x80),
        ("cs5", 0xA0), ("cs6", 0xC0), ("cs7", 0xE0), ("ef", 0xB8), ("le", 0x01), ("lowdelay", 0x10),
        ("throughput", 0x08), ("reliability", 0x04),
    ]

    /// `parse_ipqos`: a name or a number 0...255.
    static func ipQoS(_ text: String) -> Int? {
        if let named = self.ipQoSNames.first(where: { $0.name == text.lowercased() }) { return named.value }
        if let value = self.cNumber(text), (0...255).contains(value) { return value }
        return nil
    }

    /// `iptos2str`.
    static func ipQoSName(_ value: Int) -> String {
        if let named = self.ipQoSNames.first(where: { $0.value == value }) { return named.name }
        let hex = String(value, radix: 16)
        return "0x" + (hex.count < 2 ? "0" + hex : hex)
    }

    /// `strtoul(text, &end, 0)` accepting the whole string: decimal, `0x` hex or leading-zero octal.
    static func cNumber(_ text: String) -> Int? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { return Int(lower.dropFirst(2), radix: 16) }
        if lower.count > 1 && lower.hasPrefix("0") { return Int(lower.dropFirst(), radix: 8) }
        return Int(lower)
    }

    /// log.c's level names and the name `sshd -T` prints for each.
    static func logLevel(_ text: String) -> String? {
        switch text.uppercased() {
        case "QUIET": "QUIET"
        case "FATAL": "FATAL"
        case "ERROR": "ERROR"
        case "INFO": "INFO"
        case "VERBOSE": "VERBOSE"
        case "DEBUG", "DEBUG1": "DEBUG"
        case "DEBUG2": "DEBUG2"
        case "DEBUG3": "DEBUG3"
        default: nil
        }
    }

    /// log.c's facility names.
    static func logFacility(_ text: String) -> String? {
        let upper = text.uppercased()
        let known = ["DAEMON", "USER", "AUTH", "AUTHPRIV"] + (0...7).map { "LOCAL\($0)" }
        return known.contains(upper) ? upper : nil
    }
}
