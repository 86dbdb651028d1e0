import SSHDAuditCore

/// Turns log stamps into instants as ``WallClock/instant(of:)`` does, remembering the last stamp in local time
/// and its instant.
///
/// Why: a classic syslog stamp (`Nov 21 10:00:00`) has no UTC offset, so it goes through `mktime(3)`, and glibc's
/// `mktime` looks at the time zone file (a `stat` of /etc/localtime) on every call when TZ is unset. Under a
/// flood of auth.log lines that was a third of the daemon's CPU, and why the auth.log flood cost more than the
/// journal one (whose stamps are UTC). Lines come in runs with the same stamp, so one conversion a second is
/// enough; a time zone changed meanwhile is still seen at the next second.
struct LogStampResolver {
    private var last: (stamp: LogTimestamp, instant: Duration?)?

    /// The instant `stamp` names; `nil` without a year (see ``WallClock/instant(of:)``).
    mutating func instant(of stamp: LogTimestamp) -> Duration? {
        guard stamp.utcOffsetMinutes == nil else { return WallClock.instant(of: stamp) }
        if let last = self.last, last.stamp == stamp { return last.instant }
        let instant = WallClock.instant(of: stamp)
        self.last = (stamp, instant)
        return instant
    }
}
