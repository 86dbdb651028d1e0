import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `sshd-auditor run` started by hand, the way an administrator tries a configuration in a terminal: no
/// systemd, logging to standard error, its directories in a temporary workspace. What systemd's
/// `ExecReload=kill -HUP` and a stop rely on: SIGHUP reloads a good configuration, keeps the running one
/// when the new one has errors, and SIGTERM ends the daemon cleanly.
@Suite("sshd-auditor run: SIGHUP and SIGTERM (a child process outside systemd)")
struct DaemonSignalTests {
    @Test("SIGHUP after a valid edit: 'configuration reloaded', and the new settings take effect")
    func reloadsValidConfiguration() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        // An hour between polls: after the first cycle nothing but the reload can make the daemon write again.
        try await AuditorDaemon.withWorkspace(pollInterval: "1h") { workspace, daemon in
            let first = try await Self.firstStatus(workspace, daemon)
            #expect(first.pid == daemon.pid)
            #expect(first.pollIntervalSeconds == 3600)
            let metrics = workspace.path("sshd_auditor.prom")
            #expect(!FileManager.default.fileExists(atPath: metrics))

            try workspace.writeDropIn("50-reload.conf", "[Daemon]\nPollInterval=1s\nPrometheusTextfile=\(metrics)\n")
            // At once, as `systemctl reload` may come right after READY=1: the daemon must already handle SIGHUP.
            daemon.send(SIGHUP)

            let reloaded = try await eventually(timeout: .seconds(15)) { daemon.log.contains("configuration reloaded") }
            #expect(reloaded, "no 'configuration reloaded' on stderr:\n\(daemon.log)")
            #expect(daemon.log.contains("50-reload.conf"), "the reload names the files it read:\n\(daemon.log)")
            let wroteMetrics = try await eventually(timeout: .seconds(15)) {
                FileManager.default.fileExists(atPath: metrics)
            }
            #expect(wroteMetrics, "no Prometheus textfile after the reload:\n\(daemon.log)")
            // PollInterval=1s is in force: the status file says so, and it is rewritten every second.
            var times: Set<Double> = []
            let polling = try await eventually(timeout: .seconds(15)) {
                guard let document = workspace.statusDocument(), document.pollIntervalSeconds == 1 else { return false }
                times.insert(document.time)
                return times.count >= 3
            }
            #expect(polling, "status.json not rewritten every second after the reload:\n\(daemon.log)")
            #expect(daemon.isRunning)
        }
    }

    @Test("SIGHUP after an invalid edit: an error naming file:line, the running configuration is kept")
    func keepsRunningConfigurationOnError() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        try await AuditorDaemon.withWorkspace(pollInterval: "1s") { workspace, daemon in
            _ = try await Self.firstStatus(workspace, daemon)

            // A valid change and an unknown key in the same file: the whole file must be refused, not half-applied.
            try workspace.writeDropIn("60-bad.conf", "[Daemon]\nPollInterval=1h\nPollIntervall=2s\n")
            let badFile = workspace.dropInDirectory + "/60-bad.conf"
            daemon.send(SIGHUP)

            let refused = try await eventually(timeout: .seconds(15)) {
                daemon.log.contains("keeping the running one")
            }
            #expect(refused, "no 'keeping the running one' on stderr:\n\(daemon.log)")
            #expect(daemon.log.contains("\(badFile):3"), "the error names the file and line:\n\(daemon.log)")
            #expect(daemon.log.contains("PollIntervall"), "the error names the key:\n\(daemon.log)")
            #expect(!daemon.log.contains("configuration reloaded"))

            // Still running, still on the old configuration (1s, not the 1h of the refused file), still writing.
            let reference = try #require(workspace.statusDocument())
            let advanced = try await eventually(timeout: .seconds(15)) {
                guard let document = workspace.statusDocument() else { return false }
                return document.time >= reference.time + 1.5
            }
            #expect(advanced, "status.json stopped advancing after the refused reload:\n\(daemon.log)")
            #expect(workspace.statusDocument()?.pollIntervalSeconds == 1)
            #expect(daemon.isRunning)
        }
    }

    @Test("a SIGHUP as soon as the first status.json appears never kills the daemon (five starts)")
    func survivesEarlySIGHUP() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        // status.json is written by the first cycle, just before READY=1, when systemd starts accepting
        // `systemctl reload`. A daemon that traps SIGHUP only later dies of it (seen: three starts in eight),
        // so the file is watched without sleeping and the signal sent the moment it appears.
        for round in 1...5 {
            try await AuditorDaemon.withWorkspace(pollInterval: "1h") { workspace, daemon in
                let deadline = ContinuousClock.now + .seconds(30)
                while access(workspace.statusFile, F_OK) != 0, daemon.isRunning, ContinuousClock.now < deadline {}
                daemon.send(SIGHUP)
                let reloaded = try await eventually(timeout: .seconds(15)) {
                    daemon.log.contains("configuration reloaded") || !daemon.isRunning
                }
                #expect(
                    reloaded && daemon.isRunning,
                    "round \(round): exit status \(String(describing: daemon.exitStatus)):\n\(daemon.log)"
                )
            }
        }
    }

    @Test("SIGTERM: the daemon exits 0 within two seconds")
    func exitsOnSIGTERM() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        try await AuditorDaemon.withWorkspace(pollInterval: "1s") { workspace, daemon in
            _ = try await Self.firstStatus(workspace, daemon)

            let start = ContinuousClock.now
            daemon.send(SIGTERM)
            let status = try await daemon.waitForExit(timeout: .seconds(5))
            #expect(status == 0, "exit status \(String(describing: status)):\n\(daemon.log)")
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    // MARK: - Helpers

    /// Waits for the daemon's first status.json (its first cycle), failing with its log if there is none.
    static func firstStatus(
        _ workspace: AuditorWorkspace,
        _ daemon: AuditorDaemon,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> StatusDocument {
        let appeared = try await eventually(timeout: .seconds(30)) {
            workspace.statusDocument() != nil || !daemon.isRunning
        }
        return try #require(
            appeared ? workspace.statusDocument() : nil,
            "no status.json from the daemon (exit status \(String(describing: daemon.exitStatus))):\n\(daemon.log)",
            sourceLocation: sourceLocation
        )
    }
}
