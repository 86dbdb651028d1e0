/// How bad a check result is, in the monitoring-plugins (Nagios) vocabulary administrators already wire into
/// their monitoring.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Nothing wrong.
    case ok
    /// The check could not tell (its source could not be read).
    case unknown
    /// Degraded or about to break: SSH still works for most people, act soon.
    case warning
    /// SSH is refused or broken right now, or the next restart will break it.
    case critical

    /// Order used to pick the worst result: critical, then warning, then unknown, then ok, as the
    /// monitoring-plugins convention aggregates several services into one state.
    private var rank: Int {
        switch self {
        case .ok: 0
        case .unknown: 1
        case .warning: 2
        case .critical: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// The monitoring-plugins exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    /// The syslog priority (the journal's `PRIORITY=` field) of an alert raised with this severity:
    /// critical is `LOG_CRIT` (2), warning `LOG_WARNING` (4), unknown `LOG_NOTICE` (5), ok `LOG_INFO` (6).
    public var journalPriority: Int {
        switch self {
        case .critical: 2
        case .warning: 4
        case .unknown: 5
        case .ok: 6
        }
    }

    /// `OK`, `WARNING`, `CRITICAL` or `UNKNOWN`: the word monitoring plugins print.
    public var label: String { self.rawValue.uppercased() }

    public var description: String { self.rawValue }

    /// The worst of `severities`, or `.ok` when there are none.
    public static func worst(_ severities: some Sequence<Severity>) -> Severity {
        severities.max() ?? .ok
    }
}
