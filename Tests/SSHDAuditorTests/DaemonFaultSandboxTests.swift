import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// Issue #6 point 3: the installed daemon in a real systemd while what it depends on fails under it: the
/// system bus and the journal restarted, sshd's binary replaced and restarted the way dpkg upgrades it, and
/// the daemon itself killed with SIGKILL. After each fault it must still be running (or be back), still
/// raise and resolve alerts, and neither repeat a raised alert nor lose a resolution. Every test puts the
/// sandbox back as it found it.
@Suite("The daemon in a real systemd, under faults", .serialized, .auditorSandbox)
struct DaemonFaultSandboxTests {
    /// The unit under test.
    static let unit = "sshd-auditor.service"

    /// SIGKILL for the daemon. `--kill-who=main`: the sandbox's systemd 252 kills the main process but then
    /// fails the whole-cgroup kill ("Failed to send signal SIGKILL to auxiliary processes: Input/output
    /// error") and exits 1; the daemon has no other process to kill.
    static let killMain = "systemctl kill --kill-who=main -s KILL \(Self.unit)"

    @Test("dbus restarted: the daemon stays up, reconnects, and still raises and resolves sshd-down at once")
    func dbusRestarted() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer { _ = try? world.restoreSSHD() }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let pid = try Self.mainPID(world)

        let beforeRestart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl restart dbus.service", timeout: .seconds(60))
        try await Self.waitUntil("dbus.service is active again") {
            try world.shell("systemctl is-active dbus.service").stdout == "active\n"
        }
        // Longer than the watcher's longest reconnection backoff (5 s): from here it must be subscribed again.
        try await Task.sleep(for: .seconds(6))
        #expect(try Self.mainPID(world) == pid, "the daemon must ride out the bus restart, not be restarted")
        #expect(try world.shell("systemctl is-active \(Self.unit)").stdout == "active\n")
        let lost = try world.shell(
            "journalctl -u \(Self.unit) --no-pager -q -o cat --since=@\(beforeRestart / 1_000_000 - 1)"
        ).stdout
        print("the daemon's own log across the dbus restart:\n\(lost)")
        // Losing the bus is not a problem with SSH: no alert of any kind.
        let noise = try world.alerts(since: beforeRestart)
        #expect(noise.isEmpty, "\(noise)")

        // The latency proves the watcher is subscribed again: the poll alone would take up to 5 s.
        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        let raised = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop, timeout: .seconds(10))
        let latency = Duration.microseconds(Int64(raised.realtimeMicroseconds) - Int64(beforeStop))
        print("stop-to-alert latency after the dbus restart: \(latency)")
        #expect(latency < .seconds(2))
        #expect(raised["SSHD_UNIT_STATE"] == "inactive/dead")

        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        let resolved = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart, timeout: .seconds(10))
        #expect(resolved["SSHD_UNIT_STATE"] == "active/running")
        #expect(try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.raisedMessageID).count == 1)
    }

    @Test("journald restarted: the daemon keeps writing alerts, each once")
    func journaldRestarted() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer { _ = try? world.restoreSSHD() }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let pid = try Self.mainPID(world)

        let beforeRestart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl restart systemd-journald.service", timeout: .seconds(60))
        try await Self.waitUntil("systemd-journald.service is active again") {
            try world.shell("systemctl is-active systemd-journald.service").stdout == "active\n"
        }
        #expect(try Self.mainPID(world) == pid, "the daemon must ride out the journal restart")

        try world.shellChecked("systemctl stop ssh.service")
        let raised = try await world.waitForAlert(.sshdDown, "raised", since: beforeRestart)
        #expect(raised["SSHD_AUDITOR_STATE"] == "critical")
        #expect(raised["_SYSTEMD_UNIT"] == Self.unit)
        try world.shellChecked("systemctl start ssh.service")
        _ = try await world.waitForAlert(.sshdDown, "resolved", since: beforeRestart)
        // A little longer than a poll interval: a duplicate written by a later cycle would show by then.
        try await Task.sleep(for: .seconds(6))
        let entries = try world.alerts(since: beforeRestart)
        let counts = Dictionary(grouping: entries) { $0["MESSAGE_ID"] ?? "?" }.mapValues(\.count)
        print("alerts after the journal restart: \(entries.map { $0["MESSAGE"] ?? "?" })")
        #expect(counts[CheckID.sshdDown.raisedMessageID] == 1, "\(entries)")
        #expect(counts[CheckID.sshdDown.resolvedMessageID] == 1, "\(entries)")
        #expect(entries.count == 2, "nothing but sshd-down's two entries: \(entries)")
    }

    @Test("sshd upgraded in place (binary renamed over, then restarted): no alert, status back to OK")
    func sshdUpgradedInPlace() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        let binary = "/usr/sbin/sshd"
        let aside = "/usr/sbin/sshd.e2e-orig"
        defer {
            _ = try? world.shell("test -e \(aside) && mv -f \(aside) \(binary)")
            _ = try? world.restoreSSHD()
        }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let oldInode = try world.shellChecked("stat -c %i \(binary)")

        let before = AuditorSandbox.realtimeMicroseconds()
        // What dpkg does: unpack beside the file under a temporary name, then rename over it, so the running
        // sshd keeps the old inode (its /proc/PID/exe reads "(deleted)") until it is restarted.
        try world.shellChecked(
            "cp -a \(binary) \(aside) && cp -a \(binary) \(binary).dpkg-new && mv -f \(binary).dpkg-new \(binary)"
        )
        let newInode = try world.shellChecked("stat -c %i \(binary)")
        #expect(newInode != oldInode, "the upgrade must leave a new inode at \(binary)")
        // A poll interval and more with the old binary still running under the new file.
        try await Task.sleep(for: .seconds(6))
        try world.shellChecked("systemctl restart ssh.service", timeout: .seconds(60))
        let status = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        print("sshd-auditor status after the upgrade (\(status.status)):\n\(status.stdout)")
        #expect(status.status == DaemonSandboxTests.healthy, "\(status.stdout)")
        #expect(status.stdout.hasPrefix("SSH OK"))
        // Another poll interval after the restart, so any alert it caused has been written.
        try await Task.sleep(for: .seconds(6))
        let alerts = try world.alerts(since: before)
        let earlier = try world.alerts(since: before - 60_000_000).map {
            "\($0.realtimeMicroseconds) \($0["MESSAGE"] ?? "?")"
        }
        #expect(
            alerts.isEmpty,
            "an upgrade and restart of sshd raise nothing: \(alerts); since \(before) - 60 s: \(earlier)"
        )
    }

    @Test(
        "restarts whose start takes a second raise nothing: a poll falling due meanwhile waits for the unit to settle"
    )
    func pollDuringSlowStart() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        let dropIn = "/run/systemd/system/ssh.service.d/e2e-slow-start.conf"
        defer {
            _ = try? world.shell("rm -f \(dropIn) && systemctl daemon-reload")
            _ = try? world.restoreSSHD()
        }
        // Each start spends a second in activating/start-pre, longer than a real one and well inside the
        // daemon's grace (half the 5 s poll interval): over six restarts, polls fall due inside the window
        // (without the grace, most runs raised "starting"). No start limit: six starts in 15 s pass it.
        try world.write("[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStartPre=/bin/sleep 1\n", to: dropIn)
        try world.shellChecked("systemctl daemon-reload && systemctl reset-failed ssh.service")
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)

        let before = AuditorSandbox.realtimeMicroseconds()
        for _ in 0..<6 {
            try world.shellChecked("systemctl restart ssh.service", timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(1500))
        }
        let status = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        #expect(status.status == DaemonSandboxTests.healthy, "\(status.stdout)")
        let alerts = try world.alerts(since: before)
        #expect(alerts.isEmpty, "an ordinary (if slow) restart is no alert: \(alerts)")
    }

    @Test("killed with SIGKILL while sshd-down is raised: back again, it does not raise it a second time")
    func killedWhileRaised() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer { _ = try? world.restoreSSHD() }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)

        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        _ = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop)
        let killed = try Self.mainPID(world)

        // No stop, no flush: Restart=on-failure brings it back (RestartSec=5s) with whatever was on disk.
        try world.shellChecked(Self.killMain)
        let restarted = try await Self.waitForRestart(world, replacing: killed)
        print("killed \(killed), systemd restarted it as \(restarted)")
        try await Self.waitForFirstCycle(world, pid: restarted)
        // Another poll interval: a cycle of the new process that thought the alert new would have written it.
        try await Task.sleep(for: .seconds(6))
        let raised = try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.raisedMessageID)
        #expect(raised.count == 1, "exactly one sshd-down raised across the kill: \(raised)")
        let down = try world.status()
        #expect(down.status == DaemonSandboxTests.critical, "the restarted daemon still knows: \(down.stdout)")

        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        _ = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart)
        let resolved = try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.resolvedMessageID)
        #expect(resolved.count == 1, "\(resolved)")
    }

    @Test("killed with SIGKILL, sshd started while it was dead: back again, it resolves the alert once")
    func killedWhileResolving() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer {
            _ = try? world.shell("systemctl start \(Self.unit)")
            _ = try? world.restoreSSHD()
        }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)

        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        _ = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop)
        let killed = try Self.mainPID(world)

        // SIGKILL, then cancel the pending automatic restart so that sshd surely comes back while no auditor
        // runs: the resolution can only come from the state the killed process left on disk.
        try world.shellChecked("\(Self.killMain) && systemctl stop \(Self.unit)")
        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        #expect(try world.shell("systemctl is-active \(Self.unit)").stdout != "active\n")
        try world.shellChecked("systemctl start \(Self.unit)", timeout: .seconds(60))
        let restarted = try Self.mainPID(world)
        #expect(restarted != killed)

        let resolved = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart)
        print("resolved by the restarted daemon: \(resolved)")
        #expect(resolved["_PID"] == String(restarted))
        #expect(resolved["SSHD_UNIT_STATE"] == "active/running")
        // A poll interval more: neither a second resolution nor a new raise.
        try await Task.sleep(for: .seconds(6))
        let after = try world.alerts(since: beforeStart)
        #expect(after.count == 1, "only the one resolution: \(after)")
        let healthy = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        #expect(healthy.status == DaemonSandboxTests.healthy, "\(healthy.stdout)")
    }

    // MARK: - Helpers

    /// The unit's main pid as systemd reports it (0 while none runs).
    static func mainPID(_ world: AuditorSandbox) throws -> Int {
        let text = try world.shellChecked("systemctl show -p MainPID --value \(Self.unit)")
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Waits for systemd to run the unit again under a pid other than `killed`; returns the new pid.
    static func waitForRestart(_ world: AuditorSandbox, replacing killed: Int) async throws -> Int {
        var pid = 0
        try await Self.waitUntil("\(Self.unit) restarted after the kill", timeout: .seconds(30)) {
            pid = try Self.mainPID(world)
            guard pid != 0 && pid != killed else { return false }
            return try world.shell("systemctl is-active \(Self.unit)").stdout == "active\n"
        }
        return pid
    }

    /// Waits until `sshd-auditor status` answers from the daemon with pid `pid`: its first cycle is done.
    static func waitForFirstCycle(_ world: AuditorSandbox, pid: Int) async throws {
        try await Self.waitUntil("the first cycle of pid \(pid)") {
            let document = try world.shell("cat /run/sshd-auditor/\(Auditor.statusFileName)").stdout
            let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any]
            return (object?["pid"] as? Int) == pid
        }
    }

    /// Polls `condition` every 200 ms until it holds; throws (recording what was awaited) after `timeout`.
    static func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(20),
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out after \(timeout) waiting for \(what)", sourceLocation: sourceLocation)
                throw SandboxError(description: "timed out waiting for \(what)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
