import Foundation
import SSHDAuditCore
import TestSupport
import Testing

/// The product installed in a real systemd: a booted ``Sandbox`` with the release binary, unit, catalog,
/// system user and default configuration put in place by `make install-files`, and `sshd-auditor.service`
/// enabled and started the way an administrator would.
///
/// ``AuditorSandboxTrait`` boots one for a whole suite; tests reach it through ``forTest()``.
final class AuditorSandbox: Sendable {
    /// The sandbox the product runs in.
    let sandbox: Sandbox

    /// The sshd_config drop-in the stories write (Debian's sshd_config includes `sshd_config.d/*.conf`
    /// first, so whatever it sets wins) and ``restoreSSHD()`` removes.
    static let sshdDropIn = "/etc/ssh/sshd_config.d/e2e.conf"

    /// The auditor's settings for the stories, as a drop-in beside the shipped default file:
    /// - `ExpectedPorts=22`: the administrator's promise that SSH is on 22, which a port move breaks;
    /// - `ReraiseInterval=1s` (zero is refused): every story raises its own alerts even when an earlier one
    ///   raised the same check;
    /// - `LogWindow=10s`: log-based alerts (MaxStartups drops) resolve in seconds instead of a minute;
    /// - `PollInterval=5s`: what only the poll finds (sshd_config edited, /run/sshd removed) shows within
    ///   seconds, and the stories that wait "a poll interval" for a duplicate to show wait 6 s, not 31.
    static let auditorDropIn = """
        [SSH]
        ExpectedPorts=22

        [Daemon]
        PollInterval=5s

        [Alerts]
        ReraiseInterval=1s

        [Checks]
        LogWindow=10s
        """

    /// The release build `make install-files` installs: static Swift runtime, so it runs in the sandbox.
    static var releaseBinary: String {
        TestEnvironment.repositoryRoot.appendingPathComponent(".build/release/sshd-auditor").path
    }

    /// The sandbox of the running suite, or why there is none (`nil`: not booted on this machine).
    @TaskLocal static var current: Result<AuditorSandbox, any Error>?

    private init(sandbox: Sandbox) {
        self.sandbox = sandbox
    }

    /// The suite's sandbox, or `nil` when the test must skip (not root, outside CI). Rethrows a failed boot,
    /// so every story fails loudly with the reason.
    static func forTest(sourceLocation: SourceLocation = #_sourceLocation) throws -> AuditorSandbox? {
        let availability = Sandbox.availability
        guard TestEnvironment.require(availability.available, availability.reason, sourceLocation: sourceLocation),
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: Self.releaseBinary),
                "no release build at \(Self.releaseBinary): run `make release` (`make test` does)",
                sourceLocation: sourceLocation
            )
        else { return nil }
        guard let current = Self.current else {
            Issue.record("the suite needs the .auditorSandbox trait", sourceLocation: sourceLocation)
            return nil
        }
        return try current.get()
    }

    /// Boots the sandbox and installs and starts the product; `nil` when this machine cannot boot one.
    static func start() throws -> AuditorSandbox? {
        guard Sandbox.availability.available,
            FileManager.default.isExecutableFile(atPath: Self.releaseBinary)
        else { return nil }
        let sandbox = try Sandbox.boot()
        let world = AuditorSandbox(sandbox: sandbox)
        do {
            try world.install()
        } catch {
            try? sandbox.powerOff()
            throw error
        }
        return world
    }

    private func install() throws {
        let make = try runCommand(
            "/usr/bin/make",
            [
                "-C", TestEnvironment.repositoryRoot.path, "--no-print-directory", "install-files",
                "DESTDIR=\(self.sandbox.root)", "PREFIX=/usr",
            ],
            timeout: .seconds(120)
        )
        guard make.status == 0 else {
            throw SandboxError(description: "make install-files failed (\(make.status)): \(make.stdout)\(make.stderr)")
        }
        try self.write(Self.auditorDropIn, to: "/etc/sshd-auditor.conf.d/e2e.conf")
        try self.shellChecked(
            """
            systemd-sysusers && journalctl --update-catalog && systemctl daemon-reload \
            && systemctl enable --now sshd-auditor.service
            """,
            timeout: .seconds(90)
        )
    }

    /// Powers the sandbox off (idempotent).
    func powerOff() throws {
        try self.sandbox.powerOff()
    }

    // MARK: - Commands inside

    /// Runs a `/bin/sh -c` script inside the sandbox.
    @discardableResult
    func shell(_ script: String, input: String? = nil, timeout: Duration = .seconds(30)) throws -> CommandResult {
        try self.sandbox.run(["/bin/sh", "-c", script], input: input, timeout: timeout)
    }

    /// Runs a `/bin/sh -c` script inside and throws unless it exits 0; returns its standard output.
    @discardableResult
    func shellChecked(_ script: String, timeout: Duration = .seconds(30)) throws -> String {
        let result = try self.shell(script, timeout: timeout)
        guard result.status == 0 else {
            // The sandbox's journal goes with it at power-off: a failed `systemctl start` seen in CI can only be
            // explained by what systemd logged just before, so that travels with the error.
            let journal = (try? self.shell("journalctl --no-pager -q -n 40 -o short-monotonic"))?.stdout ?? ""
            throw SandboxError(
                description: "`\(script)` exited \(result.status): \(result.stdout)\(result.stderr)\n"
                    + "the sandbox's journal just before:\n\(journal)"
            )
        }
        return result.stdout
    }

    /// Writes `text` to the file `path` inside the sandbox.
    func write(_ text: String, to path: String) throws {
        let result = try self.sandbox.run(
            ["/bin/sh", "-c", #"mkdir -p "$(dirname "$1")" && cat >"$1""#, "sh", path],
            input: text
        )
        guard result.status == 0 else {
            throw SandboxError(description: "writing \(path) failed: \(result.stderr)")
        }
    }

    /// `sshd-auditor status` inside, as root: its exit status and what it printed.
    func status(_ arguments: [String] = []) throws -> CommandResult {
        try self.sandbox.run(["/usr/bin/sshd-auditor", "status"] + arguments, timeout: .seconds(30))
    }

    /// Removes the stories' sshd_config drop-in and makes sure ssh.service runs the restored configuration.
    func restoreSSHD() throws {
        try self.shellChecked(
            "rm -f \(Self.sshdDropIn) && systemctl reset-failed ssh.service; systemctl restart ssh.service",
            timeout: .seconds(60)
        )
    }

    // MARK: - The journal

    /// The host's wall clock in microseconds since the epoch: the sandbox shares the kernel, so this is the
    /// clock of the journal's `__REALTIME_TIMESTAMP`.
    static func realtimeMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// Every alert the unit wrote at or after `since` (µs), read with `journalctl -u sshd-auditor -o json`.
    func alerts(since: UInt64, messageID: String? = nil) throws -> [JournalJSONEntry] {
        var command = ["journalctl", "-u", "sshd-auditor.service", "-o", "json", "--no-pager", "-q"]
        // Whole seconds, one earlier: the exact cut is made on __REALTIME_TIMESTAMP below.
        command.append("--since=@\(since / 1_000_000 - 1)")
        command.append(messageID.map { "MESSAGE_ID=\($0)" } ?? "SYSLOG_IDENTIFIER=\(AlertTransition.syslogIdentifier)")
        let output = try self.sandbox.runChecked(command)
        return output.split(separator: "\n").compactMap { JournalJSONEntry(json: $0) }
            // The daemon's own log lines share the identifier; alerts carry SSHD_AUDITOR_CHECK.
            .filter { $0.realtimeMicroseconds >= since && $0["SSHD_AUDITOR_CHECK"] != nil }
    }

    /// Waits for the first alert entry of `check` with `transition` (raised/resolved) written at or after
    /// `since`; fails the test with what the journal held when `timeout` passes.
    func waitForAlert(
        _ check: CheckID,
        _ transition: String,
        since: UInt64,
        timeout: Duration = .seconds(20),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JournalJSONEntry {
        let messageID = transition == "resolved" ? check.resolvedMessageID : check.raisedMessageID
        let deadline = ContinuousClock.now + timeout
        while true {
            if let entry = try self.alerts(since: since, messageID: messageID).first {
                return entry
            }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let seen = try self.alerts(since: since).map { $0["MESSAGE"] ?? "?" }
        let status = try self.status()
        Issue.record(
            """
            no \(check) \(transition) entry (MESSAGE_ID=\(messageID)) within \(timeout); alerts since then: \
            \(seen); sshd-auditor status (\(status.status)):
            \(status.stdout)
            """,
            sourceLocation: sourceLocation
        )
        throw SandboxError(description: "no \(check) \(transition) entry")
    }
}

/// Boots one ``AuditorSandbox`` around a whole suite and powers it off afterwards, however the tests end.
struct AuditorSandboxTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let started: Result<AuditorSandbox, any Error>?
        do {
            started = try AuditorSandbox.start().map { .success($0) }
        } catch {
            started = .failure(error)
        }
        defer {
            if case .success(let world) = started {
                do {
                    try world.powerOff()
                } catch {
                    Issue.record("sandbox poweroff failed: \(error)")
                }
            }
        }
        try await AuditorSandbox.$current.withValue(started) {
            try await function()
        }
    }
}

extension Trait where Self == AuditorSandboxTrait {
    /// Boot the product in a real systemd once for the suite (``AuditorSandbox``).
    static var auditorSandbox: Self { Self() }
}
