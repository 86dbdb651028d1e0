/// A log line's time stamp exactly as the line wrote it: no clock, no calendar, no time zone database.
///
/// Classic syslog stamps (`Nov 21 10:00:00`) carry neither a year nor a UTC offset: the caller supplies the
/// year (`year` stays `nil` when it did not) and `utcOffsetMinutes` stays `nil`, meaning "the writer's local
/// time". RFC 3339 and RFC 5424 stamps carry both.
public struct LogTimestamp: Sendable, Hashable {
    /// The year, or `nil` for a classic syslog stamp when the caller gave none.
    public var year: Int?
    /// 1...12.
    public var month: Int
    /// 1...31.
    public var day: Int
    /// 0...23.
    public var hour: Int
    /// 0...59.
    public var minute: Int
    /// 0...60 (a leap second is passed through).
    public var second: Int
    /// The fractional second in nanoseconds (0 when the stamp had none).
    public var nanosecond: Int
    /// Offset from UTC in minutes (`Z` is 0), or `nil` when the stamp is in unspecified local time.
    public var utcOffsetMinutes: Int?

    public init(
        year: Int?,
        month: Int,
        day: Int,
        hour: Int,
        minute: Int,
        second: Int,
        nanosecond: Int = 0,
        utcOffsetMinutes: Int? = nil
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.nanosecond = nanosecond
        self.utcOffsetMinutes = utcOffsetMinutes
    }
}

extension LogTimestamp: CustomStringConvertible {
    /// RFC 3339 when the stamp has a year and an offset (`2026-11-21T10:00:00.5+01:00`); without an offset the
    /// zone is left off (local time); without a year the ISO 8601 truncated form `--11-21T10:00:00` is used.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        self.appendText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``description``'s bytes without building a `String` (the `events` output hot path).
    public func appendText(to out: inout [UInt8]) {
        if let year = self.year {
            out.appendDecimal(year, width: 4)
        } else {
            out.append(UInt8(ascii: "-"))
        }
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(self.month, width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(self.day, width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDecimal(self.hour, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(self.minute, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(self.second, width: 2)
        if self.nanosecond != 0 {
            out.append(UInt8(ascii: "."))
            // Microseconds are what rsyslog and journald write; keep nanoseconds only when they are there.
            if self.nanosecond % 1000 == 0 {
                out.appendDecimal(self.nanosecond / 1000, width: 6)
            } else {
                out.appendDecimal(self.nanosecond, width: 9)
            }
        }
        if let offset = self.utcOffsetMinutes {
            if offset == 0 {
                out.append(UInt8(ascii: "Z"))
            } else {
                out.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let magnitude = offset.magnitude
                out.appendDecimal(Int(magnitude / 60), width: 2)
                out.append(UInt8(ascii: ":"))
                out.appendDecimal(Int(magnitude % 60), width: 2)
            }
        }
    }
}
