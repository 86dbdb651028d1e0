import Foundation
import Glibc
import SSHDAuditCore
import TestSupport

/// `sshd-auditor run` as a child process of the test, outside systemd: no `NOTIFY_SOCKET`, no
/// `JOURNAL_STREAM` (so it logs to standard error, which goes to a file the test reads), and a system bus
/// address that leads nowhere (so the unit checks say "unknown" on every host alike).
///
/// Started with `posix_spawn(3)` in a process group of its own, for the reason ``LoopbackSSHD`` gives:
/// Foundation's `Process` would hang on a daemon. ``stop()`` ends it (SIGTERM, then SIGKILL after two
/// seconds) and reaps it; call it in a `defer`.
final class AuditorDaemon {
    /// The daemon's pid.
    let pid: pid_t
    /// Where its standard output and standard error go.
    let logPath: String

    /// Its wait status once reaped.
    private var waitStatus: Int32?

    /// The environment of every auditor the tests start: a plain `PATH`, and a system bus address that
    /// does not exist (`busSocket` is a path in the test's own temporary directory).
    static func environment(busSocket: String) -> [String: String] {
        [
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "DBUS_SYSTEM_BUS_ADDRESS": "unix:path=\(busSocket)",
            "LANG": "C.UTF-8",
        ]
    }

    /// Starts `sshd-auditor run` with the workspace's configuration and `arguments`.
    ///
    /// `--poll-only` by default: without a bus, the unit watcher's reconnection attempts would each run a
    /// cycle ("bus lost"), and the tests count on cycles coming from the poll interval and SIGHUP alone.
    init(workspace: AuditorWorkspace, arguments: [String] = ["--log-level", "debug", "--poll-only"]) throws {
        self.logPath = workspace.path("daemon.log")
        let argv =
            [TestEnvironment.auditorBinary, "run"] + workspace.configurationArguments + arguments
        let environment = Self.environment(busSocket: workspace.path("no-bus")).map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, self.logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        // Default dispositions and an empty mask: the test runner's own signal setup must not decide whether
        // the daemon sees SIGHUP and SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        )
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else {
            throw CommandError("cannot start \(argv[0]): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// Stops the daemon if the test did not.
    deinit {
        self.stop()
    }

    /// Everything the daemon has written so far.
    var log: String {
        (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
    }

    /// Whether the daemon still runs; reaps it (without blocking) once it has exited.
    var isRunning: Bool {
        guard self.waitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(self.pid, &status, WNOHANG) == self.pid {
            self.waitStatus = status
            return false
        }
        return true
    }

    /// The exit status, or 128 + signal when a signal ended it; `nil` while it runs.
    var exitStatus: Int32? {
        guard !self.isRunning, let status = self.waitStatus else { return nil }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Sends `signal` to the daemon (not after it was reaped: its pid may belong to another process then).
    func send(_ signal: Int32) {
        guard self.isRunning else { return }
        kill(self.pid, signal)
    }

    /// Waits up to `timeout` for the daemon to exit; its exit status, or `nil` when it still runs.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while self.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return self.exitStatus
    }

    /// Ends the daemon and anything in its process group, bounded: SIGTERM, then SIGKILL after two seconds.
    /// Calling it again does nothing.
    func stop() {
        guard self.isRunning else { return }
        kill(-self.pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(2)
        while self.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
        if self.isRunning {
            kill(-self.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(self.pid, &status, 0)
            self.waitStatus = status
        }
    }
}

extension AuditorDaemon {
    /// Runs `body` with a daemon started on a fresh workspace that enables the auth-failure-burst check only,
    /// `PollInterval` set to `pollInterval` (a time span such as "1s" or "1h"); afterwards stops the daemon and
    /// removes the workspace, however `body` ends.
    static func withWorkspace<Result>(
        pollInterval: String,
        _ body: (AuditorWorkspace, AuditorDaemon) async throws -> Result
    ) async throws -> Result {
        let workspace = try AuditorWorkspace(
            enabled: [.authFailureBurst],
            settings: ["[Daemon]", "PollInterval=\(pollInterval)"]
        )
        defer { workspace.remove() }
        let daemon = try AuditorDaemon(workspace: workspace)
        defer { daemon.stop() }
        return try await body(workspace, daemon)
    }
}
