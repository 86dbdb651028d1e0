import Testing

@testable import SSHDAuditCore

@Suite("MaxStartups, file and log checks")
struct LoadAndLogChecksTests {
    func startups(_ active: Int, config: String = "MaxStartups 2:100:3\n") -> AuditSnapshot {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.sshdConfig = SnapshotBuilder.sshdConfig(config)
        snapshot.startups = MaxStartupsGauge(active: active, start: 2, full: 3)
        return snapshot
    }

    @Test("MaxStartups 2:100:3: below start ok, at start throttling, at full saturated too, with the figures")
    func maxStartups() throws {
        #expect(MaxStartupsThrottlingCheck().evaluate(self.startups(1)).first?.severity == .ok)
        #expect(MaxStartupsSaturatedCheck().evaluate(self.startups(1)).first?.severity == .ok)

        let throttling = try #require(SnapshotBuilder.only(MaxStartupsThrottlingCheck().evaluate(self.startups(2))))
        #expect(throttling.severity == .warning)
        #expect(throttling.fields[FindingField.startups] == "2")
        #expect(throttling.fields[FindingField.maxStartups] == "2:100:3")
        #expect(MaxStartupsSaturatedCheck().evaluate(self.startups(2)).first?.severity == .ok)

        let full = try #require(SnapshotBuilder.only(MaxStartupsSaturatedCheck().evaluate(self.startups(3))))
        #expect(full.severity == .critical)
        #expect(full.fields[FindingField.startups] == "3")
        #expect(MaxStartupsThrottlingCheck().evaluate(self.startups(3)).first?.severity == .warning)
        // The on-disk setting changed since sshd started: the running figures are shown as the title has them.
        #expect(
            MaxStartupsThrottlingCheck().evaluate(self.startups(2, config: "MaxStartups 5\n")).first?
                .fields[FindingField.maxStartups] == "2-3"
        )
    }

    @Test("drop lines for MaxStartups in the window saturate; penalty drops do not")
    func dropLines() throws {
        var snapshot = SnapshotBuilder.healthy()
        var drop = SSHDLogEvent(kind: .dropConnection, address: "192.0.2.7", port: 50000)
        drop.dropReason = "MaxStartups"
        var penalty = drop
        penalty.dropReason = "PerSourcePenalties"
        penalty.penalty = "failed authentication"
        var rateLimited = SSHDLogEvent(kind: .dropRateLimited, count: 40)
        rateLimited.dropReason = "MaxStartups"
        snapshot.setLogEvents([
            TimedLogEvent(time: SnapshotBuilder.now - .seconds(10), event: drop),
            TimedLogEvent(time: SnapshotBuilder.now - .seconds(5), event: rateLimited),
            TimedLogEvent(time: SnapshotBuilder.now - .seconds(5), event: penalty),
            TimedLogEvent(time: SnapshotBuilder.now - .seconds(500), event: drop),
        ])
        let finding = try #require(SnapshotBuilder.only(MaxStartupsSaturatedCheck().evaluate(snapshot)))
        #expect(finding.severity == .critical)
        #expect(finding.fields[FindingField.droppedConnections] == "41")
        snapshot.setLogEvents([TimedLogEvent(time: SnapshotBuilder.now, event: penalty)])
        #expect(MaxStartupsSaturatedCheck().evaluate(snapshot).first?.severity == .ok)
    }

    @Test("privsep directory: missing while sshd runs is critical; while stopped it is expected")
    func privsep() {
        var snapshot = SnapshotBuilder.healthy()
        #expect(PrivsepDirectoryMissingCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.privsepDirectory = PathProbe(path: "/run/sshd", state: .missing)
        let running = PrivsepDirectoryMissingCheck().evaluate(snapshot).first
        #expect(running?.severity == .critical)
        #expect(running?.fields[FindingField.path] == "/run/sshd")
        snapshot.service = UnitHealth(name: "ssh.service", activeState: "inactive", subState: "dead")
        #expect(PrivsepDirectoryMissingCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.setLogEvents([
            SnapshotBuilder.event(.missingPrivilegeSeparationDirectory, secondsAgo: 3, path: "/run/sshd")
        ])
        #expect(PrivsepDirectoryMissingCheck().evaluate(snapshot).first?.severity == .critical)
    }

    @Test("host keys: one missing warns, all missing or 'no hostkeys available' is critical")
    func hostKeys() {
        var snapshot = SnapshotBuilder.healthy()
        #expect(HostKeysMissingCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.hostKeys[1].state = .missing
        let one = HostKeysMissingCheck().evaluate(snapshot).first
        #expect(one?.severity == .warning)
        #expect(one?.fields[FindingField.path] == "/etc/ssh/ssh_host_rsa_key")
        snapshot.hostKeys[0].state = .missing
        #expect(HostKeysMissingCheck().evaluate(snapshot).first?.severity == .critical)
        snapshot.hostKeys[0].state = .unreadable
        snapshot.hostKeys[1].state = .unreadable
        #expect(HostKeysMissingCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.setLogEvents([SnapshotBuilder.event(.noHostKeys, secondsAgo: 1)])
        #expect(HostKeysMissingCheck().evaluate(snapshot).first?.severity == .critical)
    }

    @Test("StrictModes refusals: one warning per path within the window")
    func keyPermissions() {
        var snapshot = SnapshotBuilder.healthy()
        #expect(KeyPermissionsCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.setLogEvents([
            SnapshotBuilder.event(.badModesFile, secondsAgo: 5, path: "/home/alice/.ssh/authorized_keys"),
            SnapshotBuilder.event(.badModesFile, secondsAgo: 4, path: "/home/alice/.ssh/authorized_keys"),
            SnapshotBuilder.event(.badModesDirectory, secondsAgo: 3, path: "/home/bob"),
            SnapshotBuilder.event(.badModesDirectory, secondsAgo: 3600, path: "/home/carol"),
        ])
        let findings = KeyPermissionsCheck().evaluate(snapshot)
        #expect(findings.map(\.subject) == ["/home/alice/.ssh/authorized_keys", "/home/bob"])
        #expect(findings.allSatisfy { $0.severity == .warning })
        #expect(findings.first?.summary.contains("2 times") == true)
        snapshot.setLogEvents(nil)
        #expect(KeyPermissionsCheck().evaluate(snapshot).first?.severity == .unknown)
    }

    @Test("auth failure burst: per source, at the threshold, inside the window")
    func authFailures() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.configuration.authFailureBurstThreshold = 3
        snapshot.configuration.authFailureBurstWindow = .seconds(60)
        snapshot.setLogEvents([
            SnapshotBuilder.event(.failedPassword, secondsAgo: 50, address: "192.0.2.9"),
            SnapshotBuilder.event(.invalidUser, secondsAgo: 40, address: "192.0.2.9"),
            SnapshotBuilder.event(.failedPublickey, secondsAgo: 30, address: "192.0.2.9"),
            SnapshotBuilder.event(.failedPassword, secondsAgo: 20, address: "198.51.100.1"),
            SnapshotBuilder.event(.failedPassword, secondsAgo: 10, address: "198.51.100.1"),
            SnapshotBuilder.event(.failedPassword, secondsAgo: 90, address: "198.51.100.1"),
            SnapshotBuilder.event(.accepted, secondsAgo: 5, address: "198.51.100.1"),
        ])
        let findings = AuthFailureBurstCheck().evaluate(snapshot)
        #expect(findings.map(\.subject) == ["192.0.2.9"])
        #expect(findings.first?.severity == .warning)
        #expect(findings.first?.fields[FindingField.sourceAddress] == "192.0.2.9")
        #expect(findings.first?.fields[FindingField.failures] == "3")
        #expect(findings.first?.fields[FindingField.window] == "1min")
        snapshot.configuration.authFailureBurstThreshold = 4
        #expect(AuthFailureBurstCheck().evaluate(snapshot).map(\.severity) == [.ok])
    }
}
