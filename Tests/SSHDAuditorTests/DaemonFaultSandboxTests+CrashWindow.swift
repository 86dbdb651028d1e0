import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// Issue #6: the daemon writes an alert's entry to the journal, then saves its state. A kill in between leaves
/// the state file as it was before the transition while the journal holds the entry. These stories leave
/// exactly that, with no hook in the daemon: the unit is stopped, the state file put back to what it held
/// before the transition, and the unit started again.
extension DaemonFaultSandboxTests {
    /// The daemon's alert state file (`StateDirectory=sshd-auditor`).
    static let stateFile = "/var/lib/sshd-auditor/\(Auditor.alertStateFileName)"

    @Test("killed between writing sshd-down raised and saving it: back again, it does not raise it a second time")
    func crashWindowRaised() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer {
            _ = try? world.shell("systemctl start \(Self.unit)")
            _ = try? world.restoreSSHD()
        }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let unsaved = try Self.savedState(world)
        let mark = try #require(AlertJournalMark.split(stateFile: unsaved).mark, "no mark in: \(unsaved)")

        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        let raised = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop)
        // The entry names the saved state it continues, and its place after the mark.
        #expect(raised["SSHD_AUDITOR_STATE_ID"] == mark.stateID)
        #expect(raised["SSHD_AUDITOR_STATE_GENERATION"] == String(mark.generation + 1))

        let restart = try await Self.restart(world, withStateFile: unsaved)
        // A poll interval and more: a cycle that thought the alert new would have written it by then.
        try await Task.sleep(for: .seconds(6))
        let raises = try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.raisedMessageID)
        #expect(raises.count == 1, "exactly one sshd-down raised across the crash window: \(raises)")
        let down = try world.status()
        #expect(down.status == DaemonSandboxTests.critical, "the restarted daemon knows it is raised: \(down.stdout)")
        let log = try Self.ownLog(world, since: restart)
        #expect(log.contains("alert entries written after the alert state was saved are applied"), "\(log)")
        #expect(try Self.savedState(world).contains("raised check=sshd-down"))

        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        let resolved = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart)
        #expect(resolved["SSHD_AUDITOR_STATE_ID"] == mark.stateID)
        #expect(resolved["SSHD_AUDITOR_STATE_GENERATION"] == String(mark.generation + 2))
        #expect(try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.resolvedMessageID).count == 1)
    }

    @Test("killed between writing sshd-down resolved and saving it: back again, it does not resolve it twice")
    func crashWindowResolved() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer {
            _ = try? world.shell("systemctl start \(Self.unit)")
            _ = try? world.restoreSSHD()
        }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let (beforeStop, _, unsaved) = try await Self.stopSSHDUntilRaiseSaved(world)

        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        _ = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart)

        let restart = try await Self.restart(world, withStateFile: unsaved)
        try await Task.sleep(for: .seconds(6))
        let after = try world.alerts(since: beforeStart)
        #expect(after.count == 1, "only the one resolution, no second one and no new raise: \(after)")
        let healthy = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        #expect(healthy.status == DaemonSandboxTests.healthy, "\(healthy.stdout)")
        let log = try Self.ownLog(world, since: restart)
        #expect(log.contains("alert entries written after the alert state was saved are applied"), "\(log)")
        #expect(try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.raisedMessageID).count == 1)
    }

    @Test("stopped after the state was saved: the journal's entry is in it already, nothing is applied twice")
    func savedBeforeStop() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer {
            _ = try? world.shell("systemctl start \(Self.unit)")
            _ = try? world.restoreSSHD()
        }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let (beforeStop, generation, saved) = try await Self.stopSSHDUntilRaiseSaved(world)

        let restart = try await Self.restart(world, withStateFile: saved)
        try await Task.sleep(for: .seconds(6))
        #expect(try world.alerts(since: beforeStop).count == 1, "nothing but the one raise")
        let log = try Self.ownLog(world, since: restart)
        #expect(!log.contains("are applied"), "nothing to apply: \(log)")
        #expect(try Self.savedState(world) == saved, "no cycle changed anything, so nothing was saved")

        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        let resolved = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart)
        #expect(resolved["SSHD_AUDITOR_STATE_GENERATION"] == String((UInt64(generation) ?? 0) + 1))
    }

    @Test("the same crash window with a state file of an older version (no mark): one duplicate raise, as before")
    func crashWindowWithoutMark() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer {
            _ = try? world.shell("systemctl start \(Self.unit)")
            _ = try? world.restoreSSHD()
        }
        _ = try await DaemonSandboxTests.settledStatus(world, expecting: DaemonSandboxTests.healthy)
        let unsaved = AlertJournalMark.split(stateFile: try Self.savedState(world)).rest
        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        _ = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop)

        // Without a mark the daemon cannot tell which entries its state includes: this is the gap the mark
        // closes, and it shows the story above does reproduce the crash window.
        _ = try await Self.restart(world, withStateFile: unsaved)
        try await Task.sleep(for: .seconds(6))
        let raises = try world.alerts(since: beforeStop, messageID: CheckID.sshdDown.raisedMessageID)
        #expect(raises.count == 2, "\(raises)")
        #expect(Set(raises.compactMap { $0["SSHD_AUDITOR_STATE_ID"] }).count == 2, "a fresh identity: \(raises)")
        #expect(AlertJournalMark.split(stateFile: try Self.savedState(world)).mark != nil, "saved with its mark")
    }

    // MARK: - Helpers

    /// Stops ssh.service and waits until the daemon has written sshd-down raised and saved its state with it;
    /// returns when ssh was stopped (µs), the entry's SSHD_AUDITOR_STATE_GENERATION and the saved state file.
    static func stopSSHDUntilRaiseSaved(
        _ world: AuditorSandbox
    ) async throws -> (beforeStop: UInt64, generation: String, state: String) {
        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        let raised = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop)
        let generation = try #require(raised["SSHD_AUDITOR_STATE_GENERATION"])
        try await Self.waitUntil("the raise is saved") {
            AlertJournalMark.split(stateFile: try Self.savedState(world)).mark?.generation.description == generation
        }
        return (beforeStop, generation, try Self.savedState(world))
    }

    /// The state file as the daemon saved it.
    static func savedState(_ world: AuditorSandbox) throws -> String {
        try world.shellChecked("cat \(Self.stateFile)")
    }

    /// Stops the unit, puts `text` in the state file (owned by the daemon's user, as it writes it), starts the
    /// unit and waits for its first cycle; returns when it was started (µs).
    static func restart(_ world: AuditorSandbox, withStateFile text: String) async throws -> UInt64 {
        try world.shellChecked("systemctl stop \(Self.unit)", timeout: .seconds(60))
        try world.write(text, to: Self.stateFile)
        try world.shellChecked("chown sshd-auditor:sshd-auditor \(Self.stateFile) && chmod 0644 \(Self.stateFile)")
        let started = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start \(Self.unit)", timeout: .seconds(60))
        try await Self.waitForFirstCycle(world, pid: try Self.mainPID(world))
        return started
    }

    /// What the daemon logged about itself since `since` (µs): its own lines, not its alerts.
    static func ownLog(_ world: AuditorSandbox, since: UInt64) throws -> String {
        try world.shellChecked(
            "journalctl -u \(Self.unit) --no-pager -q -o cat --since=@\(since / 1_000_000 - 1)"
        )
    }
}
