/// Time spans written the way systemd.time(7) writes them: `5s`, `500ms`, `1min`, `1h 30min`, `2.5s`.
public enum SystemdTimeSpan {
    /// Units systemd accepts, with their length in microseconds. Longer spellings first only matters for
    /// readability: a unit is matched as a whole word against this table.
    private static let units: [(names: [String], microseconds: Int64)] = [
        (["usec", "us", "µs", "μs"], 1),
        (["msec", "ms"], 1_000),
        (["seconds", "second", "sec", "s"], 1_000_000),
        (["minutes", "minute", "min", "m"], 60_000_000),
        (["hours", "hour", "hr", "h"], 3_600_000_000),
        (["days", "day", "d"], 86_400_000_000),
        (["weeks", "week", "w"], 604_800_000_000),
        // systemd's month and year are averages: 30.44 and 365.25 days.
        (["months", "month", "M"], 2_629_800_000_000),
        (["years", "year", "y"], 31_557_600_000_000),
    ]

    /// Parses a time span; a number without a unit is in seconds, as for systemd's `*Sec=` settings.
    /// Returns `nil` for anything else (negative numbers, unknown units, an empty string).
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        var index = 0
        var total: Int64 = 0
        var sawComponent = false

        func skipSpaces() {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        skipSpaces()
        while index < bytes.count {
            // The number: digits, optionally a fraction.
            var whole: Int64 = 0
            var digits = 0
            while index < bytes.count, isDigit(bytes[index]) {
                let (product, overflow1) = whole.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
                if overflow1 || overflow2 { return nil }
                whole = sum
                digits += 1
                index += 1
            }
            var fraction: [Int64] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                while index < bytes.count, isDigit(bytes[index]) {
                    fraction.append(Int64(bytes[index] - UInt8(ascii: "0")))
                    index += 1
                }
            }
            guard digits > 0 || !fraction.isEmpty else { return nil }
            skipSpaces()
            // The unit: letters up to the next digit, space or end.
            let unitStart = index
            while index < bytes.count, !isDigit(bytes[index]), bytes[index] != UInt8(ascii: " "),
                bytes[index] != UInt8(ascii: "\t"), bytes[index] != UInt8(ascii: ".")
            {
                index += 1
            }
            // A second decimal point ("1.2.3s") is no number at all.
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") { return nil }
            let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            let scale: Int64
            if unit.isEmpty {
                scale = 1_000_000
            } else if let match = Self.units.first(where: { $0.names.contains(unit) }) {
                scale = match.microseconds
            } else {
                return nil
            }
            let (wholePart, overflow) = whole.multipliedReportingOverflow(by: scale)
            if overflow { return nil }
            var fractionPart: Int64 = 0
            var divisor: Int64 = 1
            for digit in fraction.prefix(12) {
                divisor *= 10
                fractionPart = fractionPart * 10 + digit
            }
            let (sum, overflowSum) = total.addingReportingOverflow(wholePart + fractionPart * scale / divisor)
            if overflowSum { return nil }
            total = sum
            sawComponent = true
            skipSpaces()
        }
        return sawComponent ? .microseconds(total) : nil
    }

    /// The canonical spelling systemd prints, e.g. `1h 30min`, `5s`, `500ms`, `0`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var remaining = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        if remaining <= 0 { return "0" }
        let table: [(String, Int64)] = [
            ("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000), ("s", 1_000_000), ("ms", 1_000),
            ("us", 1),
        ]
        var parts: [String] = []
        for (name, size) in table where remaining >= size {
            parts.append("\(remaining / size)\(name)")
            remaining %= size
        }
        return parts.joined(separator: " ")
    }
}
