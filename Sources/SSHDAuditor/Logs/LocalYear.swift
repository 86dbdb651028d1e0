import Glibc

/// The current year in local time: the default year for classic syslog stamps, which carry none.
public enum LocalYear {
    /// The current year in the process's time zone (`TZ`, else /etc/localtime).
    /// The corresponding C functions are `time(2)` and `localtime_r(3)`.
    public static func current() -> Int {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return 1970 }
        return Int(parts.tm_year) + 1900
    }
}
