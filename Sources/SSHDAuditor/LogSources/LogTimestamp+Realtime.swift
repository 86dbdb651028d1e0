import SSHDAuditCore

extension LogTimestamp {
    /// The UTC time `microseconds` after the Unix epoch, as the journal's `__REALTIME_TIMESTAMP` gives it.
    ///
    /// Proleptic Gregorian calendar, days to civil date by Howard Hinnant's `civil_from_days`: exact for every
    /// date the journal can hold, with no time zone database.
    public init(unixMicroseconds microseconds: UInt64) {
        let seconds = Int64(microseconds / 1_000_000)
        let days = seconds / 86_400
        let secondOfDay = Int(seconds % 86_400)
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(
            year: Int(year),
            month: Int(month),
            day: Int(day),
            hour: secondOfDay / 3_600,
            minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60,
            nanosecond: Int(microseconds % 1_000_000) * 1_000,
            utcOffsetMinutes: 0
        )
    }
}
