import Foundation
import SSHDAuditCore
import TestSupport
import Testing

/// Issue #4 "Show": the installed, enabled `sshd-auditor.service` in a real systemd, with a real sshd beside
/// it, tells each story through the journal (asserted on `journalctl -o json` read inside), `journalctl -x`
/// (the catalog) and `sshd-auditor status` (text and exit status). One sandbox serves the suite; every story
/// puts sshd back as it found it.
@Suite("The daemon in a real systemd", .serialized, .auditorSandbox)
struct DaemonSandboxTests {
    /// Exit statuses of `sshd-auditor status` (the monitoring-plugins convention).
    static let healthy: Int32 = 0
    static let warning: Int32 = 1
    static let critical: Int32 = 2

    @Test("the unit starts as the sshd-auditor user, signals READY=1 and reports SSH healthy")
    func startsHealthy() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        let properties = try world.shellChecked(
            "systemctl show sshd-auditor.service -p ActiveState -p SubState -p StatusText -p User -p UnitFileState"
        )
        print("sshd-auditor.service in the sandbox:\n\(properties)")
        #expect(properties.contains("ActiveState=active"))
        #expect(properties.contains("SubState=running"))
        #expect(properties.contains("User=sshd-auditor"))
        #expect(properties.contains("UnitFileState=enabled"))
        // sd_notify STATUS= from the first cycle: only sent after READY=1.
        #expect(properties.contains("StatusText=SSH healthy"))

        let status = try await Self.settledStatus(world, expecting: Self.healthy)
        print("sshd-auditor status (\(status.status)):\n\(status.stdout)")
        #expect(status.status == Self.healthy, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.hasPrefix("SSH OK"))
        #expect(status.stdout.contains("from the daemon"))
    }

    @Test("systemctl stop ssh raises sshd-down within 1 s; start resolves it")
    func sshdDown() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer { _ = try? world.restoreSSHD() }

        let beforeStop = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop ssh.service")
        let raised = try await world.waitForAlert(.sshdDown, "raised", since: beforeStop)
        let latency = Duration.microseconds(Int64(raised.realtimeMicroseconds) - Int64(beforeStop))
        print("stop-to-alert latency: \(latency) (`systemctl stop ssh` to the sshd-down journal entry)")
        print("raised: \(raised)")
        #expect(latency < .seconds(1))
        #expect(raised["SSHD_AUDITOR_CHECK"] == "sshd-down")
        #expect(raised["SSHD_AUDITOR_STATE"] == "critical")
        #expect(raised["SSHD_AUDITOR_TRANSITION"] == "raised")
        #expect(raised["SSHD_UNIT"] == "ssh.service")
        #expect(raised["SSHD_UNIT_STATE"] == "inactive/dead")
        #expect(raised["PRIORITY"] == "2")
        #expect(raised["_SYSTEMD_UNIT"] == "sshd-auditor.service")

        // Stopping removes /run/sshd (RuntimeDirectory=sshd) at the moment the unit goes inactive: no cycle may
        // see both "sshd runs" and "/run/sshd is missing".
        let straddled = try world.alerts(since: beforeStop).filter { $0["SSHD_AUDITOR_CHECK"] == "privsep-dir-missing" }
        #expect(straddled.isEmpty, "\(straddled)")

        let down = try world.status()
        print("sshd-auditor status while ssh is stopped (\(down.status)):\n\(down.stdout)")
        #expect(down.status == Self.critical)
        #expect(down.stdout.hasPrefix("SSH CRITICAL: sshd-down"))
        // Only sshd-down speaks for a stopped sshd; the checks that need it running say so and stay OK.
        #expect(down.stdout.contains("sshd is not running: no port to hold (see sshd-down)"))
        #expect(!down.stdout.contains("WARNING"))

        // The catalog explains the entry: `journalctl -x` adds its Subject and text.
        let explained = try world.shellChecked(
            "journalctl -u sshd-auditor.service -x --no-pager MESSAGE_ID=\(CheckID.sshdDown.raisedMessageID)"
        )
        #expect(explained.contains("Subject: sshd is not running (sshd-down)"), "\(explained)")
        #expect(explained.contains("systemctl status ssh.service"), "the catalog fills in @SSHD_UNIT@: \(explained)")

        let beforeStart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl start ssh.service")
        let resolved = try await world.waitForAlert(.sshdDown, "resolved", since: beforeStart)
        print("resolved: \(resolved)")
        #expect(resolved["SSHD_AUDITOR_STATE"] == "ok")
        #expect(resolved["SSHD_AUDITOR_TRANSITION"] == "resolved")
        #expect(resolved["PRIORITY"] == "6")
        // Its facts are the state now, which is what the catalog's "active again (@SSHD_UNIT_STATE@)" reads.
        #expect(resolved["SSHD_UNIT_STATE"] == "active/running")
        // systemd passes ssh.service through activating/start-pre on the way up: no alert for that.
        let flaps = try world.alerts(since: beforeStart, messageID: CheckID.sshdDown.raisedMessageID)
        #expect(flaps.isEmpty, "\(flaps)")
        let up = try await Self.settledStatus(world, expecting: Self.healthy)
        #expect(up.status == Self.healthy, "\(up.stdout)")
    }

    @Test("an edited Port is config-not-applied until the restart; then port-mismatch says what moved")
    func portMoved() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer { _ = try? world.restoreSSHD() }

        let beforeEdit = AuditorSandbox.realtimeMicroseconds()
        try world.write("Port 2222\n", to: AuditorSandbox.sshdDropIn)
        let pending = try await world.waitForAlert(.configNotApplied, "raised", since: beforeEdit)
        print("edited, not restarted: \(pending)")
        #expect(pending["SSHD_AUDITOR_STATE"] == "warning")
        #expect(pending["SSHD_CONFIGURED_PORTS"] == "2222")
        #expect(pending["SSHD_LISTENING_PORTS"] == "22")
        #expect(pending["MESSAGE"]?.contains("restart sshd to apply") == true)
        let edited = try world.status()
        #expect(edited.status == Self.warning, "\(edited.stdout)")
        #expect(edited.stdout.hasPrefix("SSH WARNING: config-not-applied"))

        let beforeRestart = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl restart ssh.service")
        let applied = try await world.waitForAlert(.configNotApplied, "resolved", since: beforeRestart)
        let moved = try await world.waitForAlert(.portMismatch, "raised", since: beforeRestart)
        print("restarted: \(applied)\nport check: \(moved)")
        #expect(moved["SSHD_AUDITOR_STATE"] == "critical")
        #expect(moved["SSHD_CONFIGURED_PORTS"] == "2222")
        #expect(moved["SSHD_LISTENING_PORTS"] == "2222")
        #expect(moved["MESSAGE"]?.contains("expected port 22 not served by sshd") == true)
        // The restart's own transitional states (deactivating, activating, /run/sshd removed and made again)
        // raise nothing.
        let restartNoise = try world.alerts(since: beforeRestart).filter {
            ["sshd-down", "privsep-dir-missing"].contains($0["SSHD_AUDITOR_CHECK"] ?? "")
        }
        #expect(restartNoise.isEmpty, "\(restartNoise)")
        let restarted = try world.status()
        print("sshd-auditor status after the move (\(restarted.status)):\n\(restarted.stdout)")
        #expect(restarted.status == Self.critical)
        #expect(restarted.stdout.hasPrefix("SSH CRITICAL: port-mismatch"))

        let beforeRestore = AuditorSandbox.realtimeMicroseconds()
        try world.restoreSSHD()
        let back = try await world.waitForAlert(.portMismatch, "resolved", since: beforeRestore)
        #expect(back["SSHD_LISTENING_PORTS"] == "22")
        let healthy = try await Self.settledStatus(world, expecting: Self.healthy)
        #expect(healthy.status == Self.healthy, "\(healthy.stdout)")
    }

    @Test(
        "idle connections past MaxStartups 2:100:3 raise throttling, then saturated, with the gauge; closing resolves"
    )
    func maxStartups() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        let holder = "e2e-idle-connections"
        defer {
            _ = try? world.shell("systemctl stop \(holder).service")
            _ = try? world.restoreSSHD()
        }
        try world.write("MaxStartups 2:100:3\n", to: AuditorSandbox.sshdDropIn)
        try world.shellChecked("systemctl restart ssh.service")
        // Let the restart's own transitions settle before the story starts.
        _ = try await Self.settledStatus(world, expecting: Self.healthy)

        // Four idle connections from loopback, held by a transient unit that systemd kills after 90 s at the
        // latest: two fill the unauthenticated slots, the next ones are dropped (rate 100 past start 2).
        let before = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked(
            """
            systemd-run --quiet --collect --unit=\(holder) -p RuntimeMaxSec=90 /bin/bash -c \
            'for i in 1 2 3 4; do exec {fd}<>/dev/tcp/127.0.0.1/22; sleep 0.5; done; sleep 85'
            """
        )
        let throttling = try await world.waitForAlert(.maxStartupsThrottling, "raised", since: before)
        let saturated = try await world.waitForAlert(.maxStartupsSaturated, "raised", since: before)
        print("throttling: \(throttling)\nsaturated: \(saturated)")
        #expect(throttling["SSHD_AUDITOR_STATE"] == "warning")
        #expect(throttling["SSHD_STARTUPS"] == "2")
        #expect(throttling["SSHD_MAXSTARTUPS"] == "2:100:3")
        #expect(saturated["SSHD_AUDITOR_STATE"] == "critical")
        #expect(Int(saturated["SSHD_DROPPED_CONNECTIONS"] ?? "") ?? 0 >= 1)
        #expect(saturated["SSHD_MAXSTARTUPS"] == "2:100:3")
        let full = try world.status()
        print("sshd-auditor status while saturated (\(full.status)):\n\(full.stdout)")
        #expect(full.status == Self.critical)
        #expect(full.stdout.contains("maxstartups-saturated"))

        let beforeClose = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("systemctl stop \(holder).service")
        let eased = try await world.waitForAlert(.maxStartupsThrottling, "resolved", since: beforeClose)
        // The drops stay in the log window (10 s here) after the connections close.
        let cleared = try await world.waitForAlert(
            .maxStartupsSaturated,
            "resolved",
            since: beforeClose,
            timeout: .seconds(40)
        )
        print("closed: \(eased)\n\(cleared)")
        #expect(eased["SSHD_AUDITOR_STATE"] == "ok")
        #expect(cleared["SSHD_AUDITOR_STATE"] == "ok")
    }

    @Test("a syntax error in sshd_config raises config-invalid while sshd keeps running")
    func configInvalid() async throws {
        guard let world = try AuditorSandbox.forTest() else { return }
        defer { _ = try? world.restoreSSHD() }

        let before = AuditorSandbox.realtimeMicroseconds()
        try world.write("PermitRootLogin maybe-later\n", to: AuditorSandbox.sshdDropIn)
        let invalid = try await world.waitForAlert(.configInvalid, "raised", since: before)
        print("config-invalid: \(invalid)")
        #expect(invalid["SSHD_AUDITOR_STATE"] == "critical")
        // Text fields, not blobs: sshd's "\r\n" line ends stay out of the entry.
        #expect(invalid["MESSAGE"]?.hasPrefix("config-invalid raised (critical): `sshd -t` rejects") == true)
        #expect(invalid["SSHD_CONFIG_TEST_STATUS"] == "255")
        #expect(invalid["SSHD_CONFIG_ERRORS"]?.contains("maybe-later") == true, "\(invalid)")
        // Nothing broke yet: the running sshd still serves; only the next restart would fail.
        #expect(try world.shellChecked("systemctl is-active ssh.service") == "active\n")
        // What a restart would apply cannot be known from a rejected file: only config-invalid speaks.
        let others = try world.alerts(since: before).filter { $0["SSHD_AUDITOR_CHECK"] != "config-invalid" }
        #expect(others.isEmpty, "\(others)")
        let status = try world.status()
        print("sshd-auditor status with the bad edit (\(status.status)):\n\(status.stdout)")
        #expect(status.status == Self.critical)
        #expect(status.stdout.hasPrefix("SSH CRITICAL: config-invalid"))

        let beforeFix = AuditorSandbox.realtimeMicroseconds()
        try world.shellChecked("rm -f \(AuditorSandbox.sshdDropIn)")
        _ = try await world.waitForAlert(.configInvalid, "resolved", since: beforeFix)
    }

    /// `sshd-auditor status`, asked again until it exits `expected` (transitions of an earlier step may still
    /// be settling) or 20 s pass; returns the last answer.
    static func settledStatus(_ world: AuditorSandbox, expecting expected: Int32) async throws -> CommandResult {
        let deadline = ContinuousClock.now + .seconds(20)
        var result = try world.status()
        while result.status != expected && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            result = try world.status()
        }
        return result
    }
}
