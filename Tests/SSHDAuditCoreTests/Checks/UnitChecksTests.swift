import Testing

@testable import SSHDAuditCore

@Suite("Unit checks: sshd-down, sshd-restart-loop, sshd-not-installed")
struct UnitChecksTests {
    func down(_ service: UnitHealth?, socket: UnitHealth? = nil, installed: Bool = true) -> Finding? {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.service = service
        snapshot.socket = socket
        snapshot.sshdInstalled = installed
        return SnapshotBuilder.only(SSHDDownCheck().evaluate(snapshot))
    }

    @Test("a running service is ok; stopped or failed is critical with the unit fields")
    func serviceStates() throws {
        #expect(self.down(SnapshotBuilder.running())?.severity == .ok)
        let failed = try #require(
            self.down(UnitHealth(name: "ssh.service", activeState: "failed", subState: "failed", result: "exit-code"))
        )
        #expect(failed.severity == .critical)
        #expect(failed.summary == "ssh.service is failed/failed (exit-code)")
        #expect(failed.fields[FindingField.unit] == "ssh.service")
        #expect(failed.fields[FindingField.unitState] == "failed/failed")
        #expect(failed.fields[FindingField.unitResult] == "exit-code")
        #expect(
            self.down(UnitHealth(name: "ssh.service", activeState: "inactive", subState: "dead"))?.severity == .critical
        )
        #expect(
            self.down(UnitHealth(name: "ssh.service", activeState: "reloading", subState: "reload"))?.severity == .ok
        )
        #expect(
            self.down(UnitHealth(name: "ssh.service", activeState: "activating", subState: "start"))?.severity
                == .warning
        )
        #expect(
            self.down(UnitHealth(name: "ssh.service", activeState: "activating", subState: "auto-restart"))?.severity
                == .critical
        )
    }

    @Test("socket activation: a listening ssh.socket with an inactive ssh.service is healthy")
    func socketActivation() {
        let idle = UnitHealth(name: "ssh.service", activeState: "inactive", subState: "dead")
        let listening = UnitHealth(name: "ssh.socket", activeState: "active", subState: "listening")
        let finding = self.down(idle, socket: listening)
        #expect(finding?.severity == .ok)
        #expect(finding?.fields[FindingField.socketUnit] == "ssh.socket")
        let deadSocket = UnitHealth(name: "ssh.socket", activeState: "failed", subState: "failed", result: "resources")
        #expect(self.down(idle, socket: deadSocket)?.severity == .critical)
    }

    @Test("no bus answer is unknown; not installed defers to sshd-not-installed")
    func unknownAndNotInstalled() {
        #expect(self.down(nil)?.severity == .unknown)
        let notFound = UnitHealth(
            name: "ssh.service",
            loadState: "not-found",
            activeState: "inactive",
            subState: "dead"
        )
        #expect(self.down(notFound, installed: false)?.severity == .ok)
        #expect(self.down(notFound, installed: true)?.severity == .critical)
    }

    func loop(_ service: UnitHealth, threshold: Int = 3) -> Finding? {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.service = service
        snapshot.configuration.restartLoopThreshold = threshold
        return SnapshotBuilder.only(SSHDRestartLoopCheck().evaluate(snapshot))
    }

    @Test("restart loop: waiting to restart warns, past the threshold or start-limit-hit is critical")
    func restartLoop() {
        var service = UnitHealth(
            name: "ssh.service",
            activeState: "activating",
            subState: "auto-restart",
            result: "exit-code",
            restarts: 1,
            execMainStatus: 255
        )
        #expect(self.loop(service)?.severity == .warning)
        service.restarts = 3
        let critical = self.loop(service)
        #expect(critical?.severity == .critical)
        #expect(critical?.fields[FindingField.restarts] == "3")
        service = UnitHealth(
            name: "ssh.service",
            activeState: "failed",
            subState: "failed",
            result: "start-limit-hit",
            restarts: 5
        )
        #expect(self.loop(service)?.severity == .critical)
        // Restarts in the past, running now: settled, ok (NRestarts never goes down by itself).
        var settled = SnapshotBuilder.running()
        settled.restarts = 7
        let ok = self.loop(settled)
        #expect(ok?.severity == .ok)
        #expect(ok?.summary.contains("restarted 7 times") == true)
        #expect(self.loop(SnapshotBuilder.running(), threshold: 1)?.severity == .ok)
    }

    @Test("not installed: no binary and no unit is critical; binary without unit is fine")
    func notInstalled() {
        var snapshot = SnapshotBuilder.healthy()
        #expect(SSHDNotInstalledCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.sshdInstalled = false
        snapshot.service = UnitHealth(
            name: "ssh.service",
            loadState: "not-found",
            activeState: "inactive",
            subState: "dead"
        )
        let finding = SnapshotBuilder.only(SSHDNotInstalledCheck().evaluate(snapshot))
        #expect(finding?.severity == .critical)
        #expect(finding?.fields[FindingField.binary] == "/usr/sbin/sshd")
        snapshot.service = SnapshotBuilder.running()
        #expect(SSHDNotInstalledCheck().evaluate(snapshot).first?.severity == .critical)
    }
}
