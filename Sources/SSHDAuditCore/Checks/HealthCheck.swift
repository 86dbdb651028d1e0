/// One health check: a pure function from a snapshot to findings, with a stable id.
///
/// A check reads nothing but the snapshot (no files, no clock, no bus), so it is tested with hand-built
/// snapshots. It returns at least one finding when it has something to say; the evaluator adds an `ok`
/// finding for a check that returns none.
public protocol HealthCheck: Sendable {
    /// The id users name in configuration and the journal carries.
    static var id: CheckID { get }

    /// Judges `snapshot`.
    func evaluate(_ snapshot: AuditSnapshot) -> [Finding]
}

extension HealthCheck {
    /// A finding of this check.
    func finding(
        _ severity: Severity,
        _ summary: String,
        subject: String = "",
        fields: [String: String] = [:]
    ) -> Finding {
        Finding(check: Self.id, severity: severity, summary: summary, subject: subject, fields: fields)
    }
}
