import Testing

@testable import SSHDAuditCore

@Suite("Prometheus textfile")
struct PrometheusTextfileTests {
    @Test("renders check states, the startups gauge, listening ports and the cycle time")
    func render() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.time = .milliseconds(1_800_000_000_042)
        snapshot.startups = MaxStartupsGauge(active: 3, start: 2, full: 3)
        let report = HealthReport(results: [
            CheckResult(check: .sshdDown, findings: [Finding(check: .sshdDown, severity: .ok, summary: "up")]),
            CheckResult(
                check: .maxStartupsSaturated,
                findings: [Finding(check: .maxStartupsSaturated, severity: .critical, summary: "full")]
            ),
            CheckResult(
                check: .configInvalid,
                findings: [Finding(check: .configInvalid, severity: .unknown, summary: "?")]
            ),
        ])
        let text = PrometheusTextfile.render(report: report, snapshot: snapshot)
        #expect(
            text == """
                # HELP sshd_auditor_check_status Check state: 0 ok, 1 warning, 2 critical, 3 unknown.
                # TYPE sshd_auditor_check_status gauge
                sshd_auditor_check_status{check="sshd-down"} 0
                sshd_auditor_check_status{check="maxstartups-saturated"} 2
                sshd_auditor_check_status{check="config-invalid"} 3
                # HELP sshd_auditor_startups Unauthenticated connections now, from the sshd listener's title.
                # TYPE sshd_auditor_startups gauge
                sshd_auditor_startups 3
                # HELP sshd_auditor_maxstartups_start MaxStartups start value in force in the running sshd.
                # TYPE sshd_auditor_maxstartups_start gauge
                sshd_auditor_maxstartups_start 2
                # HELP sshd_auditor_maxstartups_full MaxStartups full value in force in the running sshd.
                # TYPE sshd_auditor_maxstartups_full gauge
                sshd_auditor_maxstartups_full 3
                # HELP sshd_auditor_listening_port 1 for each address and port sshd (or its socket unit) listens on.
                # TYPE sshd_auditor_listening_port gauge
                sshd_auditor_listening_port{address="0.0.0.0",port="22"} 1
                sshd_auditor_listening_port{address="::",port="22"} 1
                # HELP sshd_auditor_last_cycle_timestamp_seconds When the last audit cycle read its sources (Unix time).
                # TYPE sshd_auditor_last_cycle_timestamp_seconds gauge
                sshd_auditor_last_cycle_timestamp_seconds 1800000000.042

                """
        )
    }

    @Test("no gauge and no socket table: those metrics are left out, not reported as zero")
    func missingSources() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.startups = nil
        snapshot.listeners = nil
        let text = PrometheusTextfile.render(report: HealthReport(results: []), snapshot: snapshot)
        #expect(!text.contains("sshd_auditor_startups"))
        #expect(!text.contains("sshd_auditor_listening_port"))
        #expect(text.contains("sshd_auditor_last_cycle_timestamp_seconds 1800000000.000\n"))
    }

    @Test("label values are escaped")
    func escaping() {
        #expect(PrometheusTextfile.escaped("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
