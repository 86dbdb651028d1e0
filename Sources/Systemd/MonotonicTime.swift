import Glibc

/// `CLOCK_MONOTONIC` as libsystemd's timeouts use it: `sd_bus_get_timeout(3)` and `sd_journal_get_timeout(3)`
/// give an absolute deadline in microseconds on this clock, or `UINT64_MAX` for none.
enum MonotonicTime {
    /// Now, in microseconds of `CLOCK_MONOTONIC`.
    static func nowMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// How long until `deadline` (microseconds of `CLOCK_MONOTONIC`): zero when it has passed, `nil` when it is
    /// `UINT64_MAX` (no deadline).
    static func untilDeadline(microseconds deadline: UInt64) -> Duration? {
        guard deadline != .max else { return nil }
        let now = self.nowMicroseconds()
        return deadline > now ? .microseconds(Int64(clamping: deadline - now)) : .zero
    }
}
