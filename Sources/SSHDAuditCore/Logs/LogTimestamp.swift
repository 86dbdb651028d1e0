/// A log line's time stamp exactly as the line wrote it: no clock, no calendar, no time zone database.
///
/// Classic syslog stamps (`Nov 21 10:00:00`) carry neither a year nor a UTC offset: the caller supplies the
/// year (`year` stays `nil` when it did not) and `utcOffsetMinutes` stays `nil`, meaning "the writer's local
/// time". RFC 3339 and RFC 5424 stamps carry both.
///
/// Stored in 16 bytes (a million of these are copied per second by the `events` command); the properties
/// present them as `Int`.
public struct LogTimestamp: Sendable, Hashable {
    // Narrow storage; `Int32.min` and `Int16.min` stand for `nil`.
    private var storedYear: Int32
    private var storedNanosecond: Int32
    private var storedOffset: Int16
    private var storedMonth: UInt8
    private var storedDay: UInt8
    private var storedHour: UInt8
    private var storedMinute: UInt8
    private var storedSecond: UInt8

    /// The year, or `nil` for a classic syslog stamp when the caller gave none.
    public var year: Int? {
        get { self.storedYear == .min ? nil : Int(self.storedYear) }
        set { self.storedYear = newValue.map { Int32(clamping: $0) } ?? .min }
    }
    /// 1...12.
    public var month: Int {
        get { Int(self.storedMonth) }
        set { self.storedMonth = UInt8(clamping: newValue) }
    }
    /// 1...31.
    public var day: Int {
        get { Int(self.storedDay) }
        set { self.storedDay = UInt8(clamping: newValue) }
    }
    /// 0...23.
    public var hour: Int {
        get { Int(self.storedHour) }
        set { self.storedHour = UInt8(clamping: newValue) }
    }
    /// 0...59.
    public var minute: Int {
        get { Int(self.storedMinute) }
        set { self.storedMinute = UInt8(clamping: newValue) }
    }
    /// 0...60 (a leap second is passed through).
    public var second: Int {
        get { Int(self.storedSecond) }
        set { self.storedSecond = UInt8(clamping: newValue) }
    }
    /// The fractional second in nanoseconds, 0...999,999,999 (0 when the stamp had none).
    public var nanosecond: Int {
        get { Int(self.storedNanosecond) }
        set { self.storedNanosecond = Int32(clamping: newValue) }
    }
    /// Offset from UTC in minutes (`Z` is 0), or `nil` when the stamp is in unspecified local time.
    public var utcOffsetMinutes: Int? {
        get { self.storedOffset == .min ? nil : Int(self.storedOffset) }
        set { self.storedOffset = newValue.map { Int16(clamping: $0) } ?? .min }
    }

    /// Values outside the stated ranges are clamped to what the storage holds, never trapped on.
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
        self.storedYear = year.map { Int32(clamping: $0) } ?? .min
        self.storedNanosecond = Int32(clamping: nanosecond)
        self.storedOffset = utcOffsetMinutes.map { Int16(clamping: $0) } ?? .min
        self.storedMonth = UInt8(clamping: month)
        self.storedDay = UInt8(clamping: day)
        self.storedHour = UInt8(clamping: hour)
        self.storedMinute = UInt8(clamping: minute)
        self.storedSecond = UInt8(clamping: second)
    }
}

extension LogTimestamp: CustomStringConvertible {
    /// RFC 3339 when the stamp has a year and an offset (`2026-11-21T10:00:00.5+01:00`); without an offset the
    /// zone is left off (local time); without a year the ISO 8601 truncated form `--11-21T10:00:00` is used.
    public var description: String {
        var out = ByteWriter(capacity: 40)
        self.appendText(to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends ``description``'s bytes without building a `String` (the `events` output hot path).
    public func appendText(to out: inout ByteWriter) {
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
