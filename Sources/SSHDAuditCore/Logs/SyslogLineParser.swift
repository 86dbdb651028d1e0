/// Splits one syslog line into time stamp, host, program, pid and message, without copying.
///
/// Three framings are understood:
/// - classic BSD syslog (RFC 3164 file format, `journalctl`'s default output),
///   `Nov 21 10:00:00 host sshd[1234]: message`, optionally with a `.fraction` (`journalctl -o short-precise`)
///   or a `<PRI>` in front (as sent on the wire);
/// - RFC 3339 stamps as rsyslog's file format and `journalctl -o short-iso` write them,
///   `2026-11-21T10:00:00.123456+00:00 host sshd[1234]: message` (the offset may also be `+0000` or `Z`);
/// - RFC 5424, `<38>1 2026-11-21T10:00:00Z host sshd 1234 - - message` (structured data and a BOM skipped).
///
/// The result holds index ranges into the caller's buffer; callers decide which parts deserve a `String`.
public enum SyslogLineParser {
    /// The parts of one syslog line, as index ranges into the buffer that was parsed.
    public struct Line: Sendable, Hashable {
        /// The time stamp; `nil` only for an RFC 5424 `-` stamp.
        public var timestamp: LogTimestamp?
        /// The host name field (empty when the line had none).
        public var host: Range<Int>
        /// The program (syslog tag / APP-NAME) without the `[pid]`.
        public var program: Range<Int>
        /// The pid in the tag's brackets or RFC 5424's PROCID, if numeric.
        public var pid: Int?
        /// The message text.
        public var message: Range<Int>
    }

    /// Parses `line` (no trailing newline needed; a trailing CR is part of the message and ignored by the
    /// classifier). `year` fills in classic stamps, which have none. Returns `nil` when the line has none of the
    /// three framings.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, year: Int?) -> Line? {
        let end = line.count
        guard end > 0 else { return nil }
        var index = 0
        if line[0] == UInt8(ascii: "<") {
            // <PRI> is 1-3 digits; RFC 5424 follows it with the version `1 `.
            let priEnd = line.digitsEnd(from: 1, end: min(end, 4))
            guard priEnd > 1, priEnd < end, line[priEnd] == UInt8(ascii: ">") else { return nil }
            index = priEnd + 1
            if line.matches("1 ", at: index, end: end) {
                return parseRFC5424(line, from: index + 2, end: end)
            }
        }
        let timestamp: LogTimestamp
        if index < end, line[index] &- UInt8(ascii: "0") < 10 {
            guard let (stamp, stampEnd) = rfc3339(line, from: index, end: end) else { return nil }
            timestamp = stamp
            index = stampEnd
        } else {
            guard let (stamp, stampEnd) = classic(line, from: index, end: end, year: year) else { return nil }
            timestamp = stamp
            index = stampEnd
        }
        guard index < end, line[index] == UInt8(ascii: " ") else { return nil }
        index += 1
        guard let hostEnd = line.firstIndex(of: UInt8(ascii: " "), from: index, end: end) else { return nil }
        if line[hostEnd - 1] == UInt8(ascii: ":") {
            // No host field (some local syslog daemons leave it out): the word after the stamp is the tag.
            return parseTag(line, from: index, end: end, timestamp: timestamp, host: index..<index)
        }
        return parseTag(line, from: hostEnd + 1, end: end, timestamp: timestamp, host: index..<hostEnd)
    }

    /// `TAG[PID]: MESSAGE` or `TAG: MESSAGE`.
    private static func parseTag(
        _ line: UnsafeBufferPointer<UInt8>,
        from start: Int,
        end: Int,
        timestamp: LogTimestamp?,
        host: Range<Int>
    ) -> Line? {
        var index = start
        // The tag ends at `[`, `:` or a space; RFC 3164 caps it at 32 characters, real writers do not.
        while index < end {
            let byte = line[index]
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: " ") { break }
            index += 1
        }
        guard index > start, index < end else { return nil }
        let program = start..<index
        var pid: Int? = nil
        if line[index] == UInt8(ascii: "[") {
            guard let close = line.firstIndex(of: UInt8(ascii: "]"), from: index + 1, end: end) else { return nil }
            pid = line.decimal(from: index + 1, end: close)
            index = close + 1
        }
        guard index < end, line[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        if index < end, line[index] == UInt8(ascii: " ") { index += 1 }
        return Line(timestamp: timestamp, host: host, program: program, pid: pid, message: index..<end)
    }

    /// `TIMESTAMP HOST APP PROCID MSGID SD MSG` after `<PRI>1 `.
    private static func parseRFC5424(_ line: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Line? {
        var index = start
        var timestamp: LogTimestamp? = nil
        if line.matches("- ", at: index, end: end) {
            index += 1
        } else {
            guard let (stamp, stampEnd) = rfc3339(line, from: index, end: end) else { return nil }
            timestamp = stamp
            index = stampEnd
        }
        func field() -> Range<Int>? {
            guard index < end, line[index] == UInt8(ascii: " ") else { return nil }
            let fieldStart = index + 1
            let fieldEnd = line.firstIndex(of: UInt8(ascii: " "), from: fieldStart, end: end) ?? end
            guard fieldEnd > fieldStart else { return nil }
            index = fieldEnd
            return fieldStart..<fieldEnd
        }
        guard let host = field(), let app = field(), let procID = field(), field() != nil else { return nil }
        // Structured data: `-` or one or more `[id k="v" ...]` elements, where `]` may be escaped as `\]`.
        guard index < end, line[index] == UInt8(ascii: " "), index + 1 < end else { return nil }
        index += 1
        if line[index] == UInt8(ascii: "-") {
            index += 1
        } else {
            while index < end, line[index] == UInt8(ascii: "[") {
                var inQuotes = false
                index += 1
                while index < end {
                    let byte = line[index]
                    if byte == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                    if byte == UInt8(ascii: "]") && !inQuotes { break }
                    index += 1
                }
                guard index < end else { return nil }
                index += 1
            }
        }
        var messageStart = min(index + 1, end)
        guard index == end || line[index] == UInt8(ascii: " ") else { return nil }
        if line.matches("\u{FEFF}", at: messageStart, end: end) { messageStart += 3 }
        let nilValue = procID.count == 1 && line[procID.lowerBound] == UInt8(ascii: "-")
        return Line(
            timestamp: timestamp,
            host: line.matches("- ", at: host.lowerBound, end: end) ? host.lowerBound..<host.lowerBound : host,
            program: app,
            pid: nilValue ? nil : line.decimal(from: procID.lowerBound, end: procID.upperBound),
            message: messageStart..<end
        )
    }

    // MARK: - Time stamps

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; returns the stamp and the index after it.
    static func rfc3339(
        _ line: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end: Int
    ) -> (LogTimestamp, Int)? {
        guard end - s >= 20,
            let year = line.decimal(from: s, end: s + 4), line[s + 4] == UInt8(ascii: "-"),
            let month = line.decimal(from: s + 5, end: s + 7), line[s + 7] == UInt8(ascii: "-"),
            let day = line.decimal(from: s + 8, end: s + 10),
            line[s + 10] == UInt8(ascii: "T") || line[s + 10] == UInt8(ascii: " "),
            let hour = line.decimal(from: s + 11, end: s + 13), line[s + 13] == UInt8(ascii: ":"),
            let minute = line.decimal(from: s + 14, end: s + 16), line[s + 16] == UInt8(ascii: ":"),
            let second = line.decimal(from: s + 17, end: s + 19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = s + 19
        var nanosecond = 0
        if line[index] == UInt8(ascii: ".") || line[index] == UInt8(ascii: ",") {
            guard let (fraction, fractionEnd) = Self.fraction(line, from: index + 1, end: end) else { return nil }
            nanosecond = fraction
            index = fractionEnd
        }
        guard index < end else { return nil }
        var offset: Int
        switch line[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offset = 0
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let negative = line[index] == UInt8(ascii: "-")
            guard let hours = line.decimal(from: index + 1, end: min(index + 3, end)), hours < 24 else { return nil }
            var minutesStart = index + 3
            if minutesStart < end, line[minutesStart] == UInt8(ascii: ":") { minutesStart += 1 }
            guard let minutes = line.decimal(from: minutesStart, end: min(minutesStart + 2, end)), minutes < 60 else {
                return nil
            }
            offset = hours * 60 + minutes
            if negative { offset = -offset }
            index = minutesStart + 2
        default:
            return nil
        }
        let stamp = LogTimestamp(
            year: year,
            month: month,
            day: day,
            hour: hour,
            minute: minute,
            second: second,
            nanosecond: nanosecond,
            utcOffsetMinutes: offset
        )
        return (stamp, index)
    }

    /// `Mmm dd HH:MM:SS` (day space-padded or zero-padded), optionally with `.fraction` as `journalctl -o
    /// short-precise` writes it; returns the stamp and the index after it.
    static func classic(
        _ line: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end: Int,
        year: Int?
    ) -> (LogTimestamp, Int)? {
        guard end - s >= 15, let month = monthNumber(line[s], line[s + 1], line[s + 2]),
            line[s + 3] == UInt8(ascii: " "),
            line[s + 6] == UInt8(ascii: " "), line[s + 9] == UInt8(ascii: ":"), line[s + 12] == UInt8(ascii: ":"),
            let hour = line.decimal(from: s + 7, end: s + 9),
            let minute = line.decimal(from: s + 10, end: s + 12),
            let second = line.decimal(from: s + 13, end: s + 15),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let dayStart = line[s + 4] == UInt8(ascii: " ") ? s + 5 : s + 4
        guard let day = line.decimal(from: dayStart, end: s + 6), (1...31).contains(day) else { return nil }
        var index = s + 15
        var nanosecond = 0
        if index < end, line[index] == UInt8(ascii: ".") {
            guard let (fraction, fractionEnd) = Self.fraction(line, from: index + 1, end: end) else { return nil }
            nanosecond = fraction
            index = fractionEnd
        }
        let stamp = LogTimestamp(
            year: year,
            month: month,
            day: day,
            hour: hour,
            minute: minute,
            second: second,
            nanosecond: nanosecond
        )
        return (stamp, index)
    }

    /// The digits after a decimal point as nanoseconds (digits past the ninth are read and dropped).
    private static func fraction(_ line: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> (Int, Int)? {
        let fractionEnd = line.digitsEnd(from: start, end: end)
        guard fractionEnd > start else { return nil }
        var nanosecond = 0
        var scale = 100_000_000
        var digit = start
        while digit < fractionEnd && scale > 0 {
            nanosecond += Int(line[digit] &- UInt8(ascii: "0")) * scale
            scale /= 10
            digit += 1
        }
        return (nanosecond, fractionEnd)
    }

    /// `Jan`...`Dec` to 1...12, by switching on the three bytes packed together.
    @inline(__always)
    private static func monthNumber(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        switch UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c) {
        case 0x4A_61_6E: 1  // Jan
        case 0x46_65_62: 2  // Feb
        case 0x4D_61_72: 3  // Mar
        case 0x41_70_72: 4  // Apr
        case 0x4D_61_79: 5  // May
        case 0x4A_75_6E: 6  // Jun
        case 0x4A_75_6C: 7  // Jul
        case 0x41_75_67: 8  // Aug
        case 0x53_65_70: 9  // Sep
        case 0x4F_63_74: 10  // Oct
        case 0x4E_6F_76: 11  // Nov
        case 0x44_65_63: 12  // Dec
        default: nil
        }
    }
}
