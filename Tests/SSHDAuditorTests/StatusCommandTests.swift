import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `sshd-auditor status`, the binary, against a live daemon's status.json, a stale one, and one-shot runs
/// whose worst severity the test chooses.
@Suite("sshd-auditor status")
struct StatusCommandTests {
    @Test("a live daemon's fresh status.json is shown as 'from the daemon'; once it stops, status checks itself")
    func daemonThenStale() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        try await AuditorDaemon.withWorkspace(pollInterval: "1h") { workspace, daemon in
            let written = try await DaemonSignalTests.firstStatus(workspace, daemon)

            let text = try workspace.run("status")
            #expect(text.stdout.contains("from the daemon (pid \(daemon.pid))"), "\(text.stdout)")
            #expect(text.status == written.overallSeverity.exitCode)
            #expect(text.stdout.hasPrefix("SSH \(written.overallSeverity.label)"))

            let json = try workspace.run("status", ["--json"])
            let shown = try StatusDocument.decode(Array(json.stdout.utf8))
            #expect(shown.pid == daemon.pid && shown.time == written.time, "status --json is not the daemon's document")
            #expect(json.status == written.overallSeverity.exitCode)

            let quiet = try workspace.run("status", ["--quiet"])
            #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "--quiet printed: \(quiet.stdout)\(quiet.stderr)")
            #expect(quiet.status == written.overallSeverity.exitCode)

            // The daemon stops; its status.json stays behind, naming a pid that no longer runs.
            daemon.send(SIGTERM)
            #expect(try await daemon.waitForExit(timeout: .seconds(10)) == 0, "\(daemon.log)")
            #expect(workspace.statusDocument()?.pid == daemon.pid)

            let stale = try workspace.run("status")
            #expect(stale.stdout.contains("checked now: no sshd-auditor daemon is running"), "\(stale.stdout)")
            #expect(!stale.stdout.contains("from the daemon"))
            let staleJSON = try workspace.run("status", ["--json"])
            let checkedNow = try StatusDocument.decode(Array(staleJSON.stdout.utf8))
            #expect(checkedNow.pid != daemon.pid)
            #expect(checkedNow.time > written.time)
            #expect(checkedNow.checks.map(\.id) == [CheckID.authFailureBurst.rawValue])
            #expect(staleJSON.status == checkedNow.overallSeverity.exitCode)
        }
    }

    @Test("a status.json too old for its poll interval is stale even when its pid runs")
    func staleByAge() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let workspace = try AuditorWorkspace(enabled: [.authFailureBurst])
        defer { workspace.remove() }
        // Written by "a daemon" (this test process, which is alive) polling every 5 s, a minute ago: past three
        // polls plus ten seconds of slack.
        let report = HealthReport(results: [
            CheckResult(
                check: .sshdDown,
                findings: [Finding(check: .sshdDown, severity: .critical, summary: "old news")]
            )
        ])
        let now = Date().timeIntervalSince1970
        let old = StatusDocument(
            report: report,
            time: .milliseconds(Int64((now - 60) * 1000)),
            pid: getpid(),
            pollInterval: .seconds(5),
            unit: "ssh.service",
            logSource: "journal",
            problems: []
        )
        try FileManager.default.createDirectory(atPath: workspace.runtimeDirectory, withIntermediateDirectories: true)
        try old.encoded().write(toFile: workspace.statusFile, atomically: true, encoding: .utf8)

        let result = try workspace.run("status")
        #expect(result.stdout.contains("checked now"), "\(result.stdout)")
        #expect(!result.stdout.contains("old news"))
        #expect(result.status == 0, "an empty auth.log is no burst: \(result.stdout)")

        // Within the limit, the same document is the daemon's.
        var fresh = old
        fresh.time = now - 5
        try fresh.encoded().write(toFile: workspace.statusFile, atomically: true, encoding: .utf8)
        let shown = try workspace.run("status")
        #expect(shown.stdout.contains("from the daemon (pid \(getpid()))"), "\(shown.stdout)")
        #expect(shown.stdout.contains("old news"))
        #expect(shown.status == 2)
    }

    /// A situation whose worst severity is known, and the exit status `status` must give for it.
    struct Situation: CustomTestStringConvertible, Sendable {
        var name: String
        var enabled: Set<CheckID>
        var severity: Severity
        var worst: CheckID
        /// Prepares the workspace; returns the lines of a configuration drop-in for it.
        var prepare: @Sendable (AuditorWorkspace) throws -> [String]

        var testDescription: String { self.name }
    }

    static let situations: [Situation] = [
        Situation(name: "ok: an empty log", enabled: [.authFailureBurst], severity: .ok, worst: .authFailureBurst) {
            _ in []
        },
        Situation(
            name: "warning: a burst of failed logins in the log",
            enabled: [.authFailureBurst],
            severity: .warning,
            worst: .authFailureBurst
        ) { workspace in
            try StatusCommandTests.failedLogins(12, from: "203.0.113.7").write(
                toFile: workspace.authLog,
                atomically: true,
                encoding: .utf8
            )
            return []
        },
        Situation(
            name: "critical: sshd -t rejects the configuration",
            enabled: [.configInvalid, .authFailureBurst],
            severity: .critical,
            worst: .configInvalid
        ) { workspace in
            let config = try workspace.write("Port 22\nNoSuchOption yes\n", to: "sshd_config")
            return ["[SSH]", "SSHDConfig=\(config)"]
        },
        Situation(
            name: "unknown: no system bus to read the ssh unit from",
            enabled: [.sshdDown, .authFailureBurst],
            severity: .unknown,
            worst: .sshdDown
        ) { _ in [] },
    ]

    @Test(
        "the exit status follows the worst severity; --json decodes to it; --quiet prints nothing",
        arguments: situations
    )
    func exitStatusFollowsSeverity(_ situation: Situation) throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        if situation.severity == .critical {
            // Without root sshd -t also fails, for want of host keys, which would pass for the wrong reason.
            guard TestEnvironment.require(TestEnvironment.isRoot, "sshd -t reads the host keys only as root") else {
                return
            }
        }
        let workspace = try AuditorWorkspace(enabled: situation.enabled)
        defer { workspace.remove() }
        try workspace.writeDropIn("20-situation.conf", try situation.prepare(workspace).joined(separator: "\n") + "\n")

        let text = try workspace.run("status", ["--fresh"])
        #expect(text.status == situation.severity.exitCode, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.hasPrefix("SSH \(situation.severity.label)"), "\(text.stdout)")
        if situation.severity != .ok {
            #expect(text.stdout.hasPrefix("SSH \(situation.severity.label): \(situation.worst.rawValue): "))
        }

        let json = try workspace.run("status", ["--fresh", "--json"])
        let document = try StatusDocument.decode(Array(json.stdout.utf8))
        #expect(json.status == situation.severity.exitCode)
        #expect(document.overallSeverity == situation.severity)
        #expect(document.checks.first?.id == situation.worst.rawValue)
        #expect(Set(document.checks.map(\.id)) == Set(situation.enabled.map(\.rawValue)))

        let quiet = try workspace.run("status", ["--fresh", "--quiet"])
        #expect(quiet.status == situation.severity.exitCode)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "--quiet printed: \(quiet.stdout)\(quiet.stderr)")
    }

    @Test("a wave from 25 addresses: the text lists 10 of them and counts the rest; --all and --json list all")
    func manyFindingsAreCounted() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let workspace = try AuditorWorkspace(enabled: [.authFailureBurst])
        defer { workspace.remove() }
        let addresses = (1...25).map { "203.0.113.\($0)" }
        try addresses.map { Self.failedLogins(12, from: $0) }.joined()
            .write(toFile: workspace.authLog, atomically: true, encoding: .utf8)

        let text = try workspace.run("status", ["--fresh"])
        #expect(text.status == Severity.warning.exitCode, "\(text.stdout)\(text.stderr)")
        let listed = addresses.filter { text.stdout.contains("from \($0) ") }
        #expect(listed.count == StatusText.defaultFindingLimit, "\(text.stdout)")
        #expect(text.stdout.contains("... and 15 more (--all lists every one)"), "\(text.stdout)")

        let all = try workspace.run("status", ["--fresh", "--all"])
        #expect(addresses.allSatisfy { all.stdout.contains("from \($0) ") }, "\(all.stdout)")
        #expect(!all.stdout.contains("more (--all"))
        let json = try StatusDocument.decode(Array(try workspace.run("status", ["--fresh", "--json"]).stdout.utf8))
        #expect(json.checks.first?.findings.count == 25)
    }

    @Test("within one check the text lists the worst findings first, keeping the check's order among equals")
    func worstFindingsFirst() {
        let finding = { (severity: Severity, subject: String) in
            Finding(check: .keyPermissions, severity: severity, summary: "\(severity) \(subject)", subject: subject)
        }
        let report = HealthReport(results: [
            CheckResult(
                check: .keyPermissions,
                findings: [
                    finding(.warning, "a"), finding(.critical, "b"), finding(.warning, "c"), finding(.critical, "d"),
                ]
            )
        ])
        let document = StatusDocument(
            report: report,
            time: .seconds(1),
            pid: 1,
            pollInterval: .seconds(30),
            unit: "ssh.service",
            logSource: "journal",
            problems: []
        )
        let lines = StatusText.render(document, origin: "test", findingLimit: 3).split(separator: "\n")
        // The check's lines: after the headline (which names the worst finding too) and the origin line.
        let listed = lines.dropFirst(2).compactMap { line in ["a", "b", "c", "d"].first { line.hasSuffix(" \($0)") } }
        #expect(listed == ["b", "d", "a"], "\(lines)")
        #expect(lines.contains { $0.hasSuffix("... and 1 more (--all lists every one)") })
    }

    // MARK: - Helpers

    /// `count` failed password lines from `address`, stamped (RFC 3339, UTC) over the last few seconds.
    static func failedLogins(_ count: Int, from address: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let now = Date()
        return (0..<count).map { index in
            let stamp = formatter.string(from: now.addingTimeInterval(Double(index - count)))
            return
                "\(stamp) host sshd[\(4000 + index)]: Failed password for root from \(address) port \(40000 + index) ssh2\n"
        }.joined()
    }
}
