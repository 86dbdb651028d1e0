import Glibc
import SSHDAuditCore

/// Wall-clock time as the checks see it: time since the Unix epoch, as a `Duration`.
///
/// Core takes time as a plain value and never reads a clock; this is the one place the runtime reads it.
public enum WallClock {
    /// Now. The corresponding C function is `clock_gettime(2)` with `CLOCK_REALTIME`.
    public static func now() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }

    /// The instant a log stamp names: exact when it carries a UTC offset (RFC 3339, RFC 5424, the journal),
    /// read in the local time zone when it does not (classic syslog); `nil` without a year.
    /// The corresponding C functions are `timegm(3)` and `mktime(3)`.
    public static func instant(of stamp: LogTimestamp) -> Duration? {
        guard let year = stamp.year else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(stamp.month - 1)
        parts.tm_mday = Int32(stamp.day)
        parts.tm_hour = Int32(stamp.hour)
        parts.tm_min = Int32(stamp.minute)
        parts.tm_sec = Int32(stamp.second)
        parts.tm_isdst = -1
        let seconds: Int
        if let offset = stamp.utcOffsetMinutes {
            seconds = timegm(&parts) - offset * 60
        } else {
            seconds = mktime(&parts)
        }
        return .seconds(seconds) + .nanoseconds(stamp.nanosecond)
    }
}
