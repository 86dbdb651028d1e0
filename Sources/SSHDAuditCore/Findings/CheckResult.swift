/// What one check said in one cycle.
public struct CheckResult: Sendable, Hashable {
    /// The check.
    public var check: CheckID
    /// Its findings; never empty (an evaluator adds an `ok` finding when a check found nothing).
    public var findings: [Finding]

    public init(check: CheckID, findings: [Finding]) {
        self.check = check
        self.findings = findings
    }

    /// The worst severity among the findings.
    public var severity: Severity { Severity.worst(self.findings.map(\.severity)) }
}
