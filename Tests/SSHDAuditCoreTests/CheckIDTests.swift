import Testing

@testable import SSHDAuditCore

@Suite("Check ids and severities")
struct CheckIDTests {
    @Test("every message id is 32 lower-case hex digits and unique across checks and transitions")
    func messageIDsAreUniqueHex() {
        let ids = CheckID.allCases.flatMap { [$0.raisedMessageID, $0.resolvedMessageID] }
        #expect(ids.count == CheckID.allCases.count * 2)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.utf8.count == 32, "\(id)")
            #expect(id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }, "\(id)")
        }
    }

    @Test("the ids users name in configuration are the ones of the issue")
    func stableIDs() {
        #expect(
            CheckID.allCases.map(\.rawValue).sorted() == [
                "auth-failure-burst", "config-invalid", "config-not-applied", "firewall-blocks-port",
                "hostkeys-missing", "key-permissions", "maxstartups-saturated", "maxstartups-throttling",
                "port-mismatch", "privsep-dir-missing", "sshd-down", "sshd-not-installed", "sshd-restart-loop",
            ]
        )
    }

    @Test("every check has a title and a fix hint", arguments: CheckID.allCases)
    func titlesAndHints(check: CheckID) {
        #expect(!check.title.isEmpty)
        #expect(check.fixHint.count > 40)
    }

    @Test("monitoring-plugins exit codes and syslog priorities")
    func severityMappings() {
        #expect(Severity.ok.exitCode == 0)
        #expect(Severity.warning.exitCode == 1)
        #expect(Severity.critical.exitCode == 2)
        #expect(Severity.unknown.exitCode == 3)
        #expect(Severity.critical.journalPriority == 2)
        #expect(Severity.warning.journalPriority == 4)
        #expect(Severity.ok.journalPriority == 6)
        #expect(Severity.critical.label == "CRITICAL")
    }

    @Test("the worst severity wins: critical, then warning, then unknown, then ok")
    func worst() {
        #expect(Severity.worst([]) == .ok)
        #expect(Severity.worst([.ok, .unknown]) == .unknown)
        #expect(Severity.worst([.unknown, .warning, .ok]) == .warning)
        #expect(Severity.worst([.warning, .critical, .unknown]) == .critical)
    }

    @Test("a report's severity and problems come from every check, ok ones included")
    func report() {
        let report = HealthReport(results: [
            CheckResult(check: .sshdDown, findings: [Finding(check: .sshdDown, severity: .ok, summary: "active")]),
            CheckResult(
                check: .authFailureBurst,
                findings: [
                    Finding(check: .authFailureBurst, severity: .warning, summary: "a", subject: "192.0.2.1"),
                    Finding(check: .authFailureBurst, severity: .critical, summary: "b", subject: "192.0.2.2"),
                ]
            ),
        ])
        #expect(report.severity == .critical)
        #expect(report.result(for: .authFailureBurst)?.severity == .critical)
        #expect(report.problems.map(\.subject) == ["192.0.2.2", "192.0.2.1"])
        #expect(report.findings.count == 3)
    }
}
