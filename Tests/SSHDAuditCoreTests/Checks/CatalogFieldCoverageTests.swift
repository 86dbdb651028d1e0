import Foundation
import Testing

@testable import SSHDAuditCore

/// journald replaces a catalog's `@FIELD@` with the entry's field, and with the bare field name when the
/// entry lacks it: so every field a check's catalog entry names must be in every alert that check raises.
@Suite("Catalog fields are in the findings")
struct CatalogFieldCoverageTests {
    /// The `@FIELD@` names of each message id in systemd/sshd-auditor.catalog.
    static func catalogFields() throws -> [String: Set<String>] {
        let path = String(#filePath.split(separator: "/").dropLast(4).joined(separator: "/"))
        let text = try #require(Self.read("/" + path + "/systemd/sshd-auditor.catalog"))
        var result: [String: Set<String>] = [:]
        for block in text.split(separator: "\n-- ", omittingEmptySubsequences: true).dropFirst() {
            let id = String(block.prefix(32))
            let parts = block.split(separator: "@", omittingEmptySubsequences: false)
            result[id] = Set(parts.enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
        }
        return result
    }

    /// The catalog's text (the tests may read files; the module they test may not).
    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// One snapshot per check that makes it raise.
    static func firing() -> [(CheckID, AuditSnapshot)] {
        let healthy = SnapshotBuilder.healthy()
        var cases: [(CheckID, AuditSnapshot)] = []

        var s = healthy
        s.service = UnitHealth(name: "ssh.service", activeState: "failed", subState: "failed", result: "exit-code")
        cases.append((.sshdDown, s))
        s = healthy
        s.service = UnitHealth(
            name: "ssh.service",
            activeState: "activating",
            subState: "auto-restart",
            result: "exit-code",
            restarts: 4
        )
        cases.append((.sshdRestartLoop, s))
        s = healthy
        s.sshdInstalled = false
        s.service = nil
        cases.append((.sshdNotInstalled, s))
        s = healthy
        s.configTest = ConfigTestResult(exitStatus: 255, messages: ["line 1: Bad configuration option: Prot"])
        cases.append((.configInvalid, s))
        s = healthy
        s.sshdConfig = SnapshotBuilder.sshdConfig("Port 2222\n")
        cases.append((.configNotApplied, s))
        s = healthy
        s.configuration.expectedPorts = [2222]
        cases.append((.portMismatch, s))
        s = healthy
        s.startups = MaxStartupsGauge(active: 10, start: 10, full: 100)
        cases.append((.maxStartupsThrottling, s))
        s = healthy
        s.startups = nil
        s.setLogEvents([SnapshotBuilder.event(.maxStartupsBegin, secondsAgo: 1)])
        cases.append((.maxStartupsThrottling, s))
        s = healthy
        s.startups = MaxStartupsGauge(active: 100, start: 10, full: 100)
        cases.append((.maxStartupsSaturated, s))
        s = healthy
        s.startups = nil
        var drop = SSHDLogEvent(kind: .dropConnection, address: "192.0.2.1")
        drop.dropReason = "MaxStartups"
        s.setLogEvents([TimedLogEvent(time: SnapshotBuilder.now, event: drop)])
        cases.append((.maxStartupsSaturated, s))
        s = healthy
        s.privsepDirectory = PathProbe(path: "/run/sshd", state: .missing)
        cases.append((.privsepDirectoryMissing, s))
        s = healthy
        s.hostKeys[0].state = .missing
        cases.append((.hostKeysMissing, s))
        s = healthy
        s.setLogEvents([SnapshotBuilder.event(.badModesFile, secondsAgo: 1, path: "/home/a/.ssh/authorized_keys")])
        cases.append((.keyPermissions, s))
        s = healthy
        s.setLogEvents((1...10).map { SnapshotBuilder.event(.failedPassword, secondsAgo: $0, address: "192.0.2.5") })
        cases.append((.authFailureBurst, s))
        return cases
    }

    @Test("each check's raised alert carries every field its catalog entries name")
    func coverage() throws {
        let catalog = try Self.catalogFields()
        let cases = Self.firing()
        #expect(Set(cases.map(\.0)) == Set(CheckID.allCases).subtracting([.firewallBlocksPort]))
        for (check, snapshot) in cases {
            let report = HealthChecks.evaluate(snapshot)
            let raised = report.findings.filter { $0.check == check && $0.severity != .ok }
            #expect(!raised.isEmpty, "\(check) did not raise")
            let wanted = (catalog[check.raisedMessageID] ?? []).union(catalog[check.resolvedMessageID] ?? [])
            #expect(!wanted.isEmpty, "\(check) has no catalog fields")
            for finding in raised {
                let missing = wanted.subtracting(finding.fields.keys)
                #expect(missing.isEmpty, "\(check): \(finding.summary) lacks \(missing.sorted())")
            }
        }
    }
}
