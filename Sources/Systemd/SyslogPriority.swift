/// A syslog priority, the value of a journal entry's `PRIORITY` field (`syslog(3)`'s `LOG_EMERG` to `LOG_DEBUG`).
public enum SyslogPriority: Int, Sendable, Hashable, CaseIterable, Comparable {
    case emergency = 0
    case alert = 1
    case critical = 2
    case error = 3
    case warning = 4
    case notice = 5
    case info = 6
    case debug = 7

    /// Lower numbers are more severe; `<` compares the numbers, so `.emergency < .debug`.
    public static func < (lhs: SyslogPriority, rhs: SyslogPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}
