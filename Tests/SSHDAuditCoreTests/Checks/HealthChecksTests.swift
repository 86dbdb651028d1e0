import Testing

@testable import SSHDAuditCore

@Suite("Check registry")
struct HealthChecksTests {
    @Test("every check id except the firewall's is registered once; the registry's ids are unique")
    func registry() {
        let ids = HealthChecks.all.map { type(of: $0).id }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids) == Set(CheckID.allCases).subtracting([.firewallBlocksPort]))
    }

    @Test("a healthy machine is ok on every check, each saying why")
    func healthy() {
        let report = HealthChecks.evaluate(SnapshotBuilder.healthy())
        #expect(report.results.count == HealthChecks.all.count)
        for finding in report.findings {
            #expect(finding.severity == .ok, "\(finding.check): \(finding.summary)")
            #expect(!finding.summary.isEmpty)
        }
        #expect(report.severity == .ok)
    }

    @Test("disabled checks do not run")
    func disabled() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.configuration.disabledChecks = [.sshdDown, .authFailureBurst]
        let report = HealthChecks.evaluate(snapshot)
        #expect(report.result(for: .sshdDown) == nil)
        #expect(report.result(for: .authFailureBurst) == nil)
        #expect(report.results.count == HealthChecks.all.count - 2)
    }

    @Test("a check with nothing to say gets an ok finding from the evaluator")
    func emptyBecomesOk() {
        struct Silent: HealthCheck {
            static let id = CheckID.firewallBlocksPort
            func evaluate(_ snapshot: AuditSnapshot) -> [Finding] { [] }
        }
        let report = HealthChecks.evaluate(SnapshotBuilder.healthy(), checks: [Silent()])
        #expect(report.findings.map(\.severity) == [.ok])
        #expect(report.findings.first?.check == .firewallBlocksPort)
    }

    @Test("sshd stopped: sshd-down is critical and the report says critical")
    func stopped() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.service = UnitHealth(name: "ssh.service", activeState: "inactive", subState: "dead")
        snapshot.listeners = []
        snapshot.startups = nil
        let report = HealthChecks.evaluate(snapshot)
        #expect(report.severity == .critical)
        #expect(report.problems.map(\.check) == [.sshdDown])
    }
}
