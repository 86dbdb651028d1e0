import Glibc

/// Today's date in local time: what classic syslog stamps, which carry no year, are read against.
public struct LocalDate: Sendable, Hashable {
    /// The year.
    public var year: Int
    /// 1...12.
    public var month: Int

    /// The current date in the process's time zone (`TZ`, else /etc/localtime).
    /// The corresponding C functions are `time(2)` and `localtime_r(3)`.
    public static func current() -> LocalDate {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return LocalDate(year: 1970, month: 1) }
        return LocalDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1)
    }

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }
}
