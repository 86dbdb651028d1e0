/// Every enabled check's result for one cycle: what `status` prints and what alert state consumes.
public struct HealthReport: Sendable, Hashable {
    /// One result per enabled check, in registry order, ok ones included.
    public var results: [CheckResult]

    public init(results: [CheckResult]) {
        self.results = results
    }

    /// The worst severity of all checks: the overall state, and the `status` exit code.
    public var severity: Severity { Severity.worst(self.results.map(\.severity)) }

    /// Every finding of every check, ok ones included.
    public var findings: [Finding] { self.results.flatMap(\.findings) }

    /// The findings that are not ok, worst first.
    public var problems: [Finding] {
        self.findings.filter { $0.severity != .ok }.sorted { $0.severity > $1.severity }
    }

    /// The result of `check`, if it ran.
    public func result(for check: CheckID) -> CheckResult? {
        self.results.first { $0.check == check }
    }
}
