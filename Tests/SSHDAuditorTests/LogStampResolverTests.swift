import SSHDAuditCore
import Testing

@testable import SSHDAuditor

/// `LogStampResolver` skips `mktime(3)` for a stamp equal to the one before: it must answer as
/// `WallClock.instant(of:)` does for every stamp, repeated or not.
@Suite("LogStampResolver")
struct LogStampResolverTests {
    @Test("answers as WallClock for runs of equal stamps, local and UTC, with and without a year")
    func sameAsWallClock() {
        let local = LogTimestamp(year: 2026, month: 11, day: 21, hour: 10, minute: 0, second: 1)
        let nextSecond = LogTimestamp(year: 2026, month: 11, day: 21, hour: 10, minute: 0, second: 2)
        let summer = LogTimestamp(year: 2026, month: 7, day: 1, hour: 23, minute: 59, second: 59)
        let utc = LogTimestamp(year: 2026, month: 11, day: 21, hour: 10, minute: 0, second: 1, utcOffsetMinutes: 0)
        let offset = LogTimestamp(
            year: 2026,
            month: 11,
            day: 21,
            hour: 10,
            minute: 0,
            second: 1,
            nanosecond: 5,
            utcOffsetMinutes: 90
        )
        let noYear = LogTimestamp(year: nil, month: 11, day: 21, hour: 10, minute: 0, second: 1)
        let stamps = [local, local, local, nextSecond, nextSecond, local, utc, local, offset, noYear, local, summer]
        var resolver = LogStampResolver()
        for stamp in stamps {
            #expect(resolver.instant(of: stamp) == WallClock.instant(of: stamp), "\(stamp)")
        }
        #expect(resolver.instant(of: noYear) == nil)
    }
}
