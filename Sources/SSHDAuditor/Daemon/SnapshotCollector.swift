import Glibc
import SSHDAuditCore

/// Reads every source of one audit cycle, except the two that keep state between cycles (the ssh units,
/// read over a bus connection the caller owns, and sshd's log, read from a position the caller owns),
/// into an ``AuditSnapshot``.
///
/// A source that cannot be read leaves its field `nil` and says why in ``Collected/problems``; it never
/// stops the cycle, so one unreadable file does not blind the other checks.
public struct SnapshotCollector: Sendable {
    /// What one collection produced.
    public struct Collected: Sendable {
        /// The snapshot, with the units and log window the caller passed in.
        public var snapshot: AuditSnapshot
        /// Sources that could not be read, each with the reason, for the daemon's own log.
        public var problems: [String]
        /// Diagnostics of the on-disk sshd configuration (file:line), for `check` and the status file.
        public var configDiagnostics: [ParseDiagnostic]
        /// This cycle's `sshd -t` verdict and what it judged, to pass to the next cycle.
        public var configTestMemo: ConfigTestMemo?
    }

    /// A `sshd -t` verdict and a fingerprint of everything it read (the configuration files, the sshd binary,
    /// the host keys, the privilege separation directory).
    ///
    /// Why: running `sshd -t` every poll costs a process, a host key load and about 10 ms of CPU, for an answer
    /// that changes only when one of those inputs does. The next cycle reuses the verdict while the fingerprint
    /// is unchanged, and asks again at least every ``SnapshotCollector/configTestMaximumAge``.
    public struct ConfigTestMemo: Sendable, Hashable {
        public var fingerprint: UInt64
        public var result: ConfigTestResult
        public var time: Duration
    }

    /// The longest a cached `sshd -t` verdict is trusted, whatever the fingerprint says.
    public static let configTestMaximumAge: Duration = .seconds(600)

    /// The auditor's configuration: paths, proc root, sshd binary.
    public var configuration: AuditorConfiguration
    /// How long `sshd -t` may run before it is killed.
    public var configTestTimeout: Duration

    public init(configuration: AuditorConfiguration, configTestTimeout: Duration = .seconds(10)) {
        self.configuration = configuration
        self.configTestTimeout = configTestTimeout
    }

    /// Reads the sources into a snapshot taken at `time`.
    ///
    /// - Parameters:
    ///   - previousConfigTest: the last cycle's `sshd -t` verdict, reused while its inputs are unchanged.
    ///   - previousListeners: the last cycle's listening sockets, whose owners are reused while they still hold
    ///     them (``ListeningSocketReader/owners(ofInodes:reusing:)``).
    public func collect(
        time: Duration,
        service: UnitHealth?,
        socket: UnitHealth?,
        logWindow: LogWindow?,
        previousConfigTest: ConfigTestMemo? = nil,
        previousListeners: [ListeningSocket]? = nil
    ) -> Collected {
        var problems: [String] = []
        let configuration = self.configuration
        let sshdInstalled = access(configuration.sshdBinary, X_OK) == 0

        let files = RecordingSSHDConfigEnvironment(base: SystemSSHDConfigEnvironment(root: "/"))
        let loaded = SSHDConfigLoader(environment: files).load(path: configuration.sshdConfigPath)
        let sshdConfig: SSHDEffectiveConfig? =
            access(configuration.sshdConfigPath, F_OK) == 0 ? loaded.value : nil
        if sshdConfig == nil { problems.append("cannot read \(configuration.sshdConfigPath)") }

        var listeners: [ListeningSocket]?
        do {
            // The owners found last cycle are reused while they still hold the same sockets: walking every
            // /proc/PID/fd link on the host was the largest part of an idle cycle.
            let parsed = try ListeningSocketReader(procRoot: configuration.procRoot)
                .listeningSockets(reusingOwnersOf: previousListeners)
            listeners = parsed.value
            problems += parsed.diagnostics.filter { $0.severity == .error }.map(\.description)
        } catch {
            problems.append("listening sockets: \(error)")
        }

        var startups: MaxStartupsGauge?
        if let pid = service?.mainPID, pid > 0 {
            startups = try? ProcessTitleReader(procRoot: configuration.procRoot).gauge(pid: pid)
        }

        let privsepDirectory = Self.privilegeSeparationDirectory().map(Self.probe)
        let hostKeyPaths = sshdConfig?.values(for: "hostkey") ?? []
        self.mixStatus(into: files, hostKeys: hostKeyPaths, privsepDirectory: privsepDirectory?.path)
        var configTest: ConfigTestResult?
        var memo: ConfigTestMemo?
        if sshdInstalled {
            if let previous = previousConfigTest, previous.fingerprint == files.fingerprint,
                time - previous.time < Self.configTestMaximumAge
            {
                memo = previous
                configTest = previous.result
            } else if let result = self.testConfiguration(&problems) {
                configTest = result
                // A file edited while the configuration was read and `sshd -t` ran gives a verdict on a state the
                // fingerprint does not describe: memoized, it would be reused once the files read as fingerprinted
                // again (a typo saved and fixed within a second kept "config-invalid" raised for ten minutes; seen
                // in the sandbox stories). Kept only when the inputs read the same after the run.
                if self.inputsFingerprint() == files.fingerprint {
                    memo = ConfigTestMemo(fingerprint: files.fingerprint, result: result, time: time)
                }
            }
        }

        return Collected(
            snapshot: AuditSnapshot(
                time: time,
                configuration: configuration,
                sshdInstalled: sshdInstalled,
                service: service,
                socket: socket,
                configTest: configTest,
                sshdConfig: sshdConfig,
                listeners: listeners,
                startups: startups,
                privsepDirectory: privsepDirectory,
                hostKeys: hostKeyPaths.map(Self.probe),
                logWindow: logWindow
            ),
            problems: problems,
            configDiagnostics: loaded.diagnostics,
            configTestMemo: memo
        )
    }

    /// Mixes the status (``statFingerprint(_:)``) of the other files `sshd -t` reads into `files`: the sshd
    /// binary, the host keys and the privilege separation directory.
    private func mixStatus(into files: RecordingSSHDConfigEnvironment, hostKeys: [String], privsepDirectory: String?) {
        for path in [self.configuration.sshdBinary] + hostKeys + [privsepDirectory ?? ""] {
            files.mix(Self.statFingerprint(path))
        }
    }

    /// The fingerprint of everything `sshd -t` reads, as the files stand now: computed as ``collect`` computes
    /// it, from a fresh read of the configuration.
    private func inputsFingerprint() -> UInt64 {
        let files = RecordingSSHDConfigEnvironment(base: SystemSSHDConfigEnvironment(root: "/"))
        let loaded = SSHDConfigLoader(environment: files).load(path: self.configuration.sshdConfigPath)
        let sshdConfig = access(self.configuration.sshdConfigPath, F_OK) == 0 ? loaded.value : nil
        self.mixStatus(
            into: files,
            hostKeys: sshdConfig?.values(for: "hostkey") ?? [],
            privsepDirectory: Self.privilegeSeparationDirectory()
        )
        return files.fingerprint
    }

    /// `sshd -t -f CONFIG`: whether the next start of sshd would accept the on-disk configuration.
    /// sshd exits 255 on a configuration error and prints the reasons on standard error.
    private func testConfiguration(_ problems: inout [String]) -> ConfigTestResult? {
        let command = ExternalCommand(
            self.configuration.sshdBinary,
            ["-t", "-f", self.configuration.sshdConfigPath],
            environment: ExternalCommand.safeEnvironment,
            timeout: self.configTestTimeout,
            outputLimit: 64 << 10
        )
        do {
            let result = try command.run()
            guard let status = result.exitStatus else {
                problems.append("sshd -t did not finish (signal \(result.signal ?? 0))")
                return nil
            }
            // sshd ends its stderr lines with "\r\n", which is one Character in Swift, so splitting on "\n"
            // kept it, and journald stores a field with a control character as a blob ("[149B blob data]").
            let messages = String(decoding: result.standardError, as: UTF8.self)
                .split(whereSeparator: \.isNewline)
                .map(String.init)
            return ConfigTestResult(exitStatus: status, messages: messages)
        } catch {
            problems.append("sshd -t: \(error)")
            return nil
        }
    }

    /// The directory sshd chroots its unprivileged child into: compiled into sshd, so it is known by
    /// distribution rather than read from a file. `nil` when this system is none of the known ones.
    static func privilegeSeparationDirectory() -> String? {
        if access("/etc/debian_version", F_OK) == 0 { return "/run/sshd" }
        for candidate in ["/usr/share/empty.sshd", "/var/empty/sshd", "/var/empty"]
        where access(candidate, F_OK) == 0 {
            return candidate
        }
        return nil
    }

    /// The identity and state of `path` as `stat(2)` gives them (device, inode, size, mode, owner, change
    /// time), or a marker when it does not exist: any replacement, edit or chmod changes it.
    static func statFingerprint(_ path: String) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { return Array("absent:\(path)".utf8) }
        let values: [UInt64] = [
            UInt64(info.st_dev), UInt64(info.st_ino), UInt64(bitPattern: Int64(info.st_size)),
            UInt64(info.st_mode), UInt64(info.st_uid), UInt64(bitPattern: Int64(info.st_ctim.tv_sec)),
            UInt64(bitPattern: Int64(info.st_ctim.tv_nsec)),
        ]
        return Array(path.utf8)
            + values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
    }

    /// Whether `path` exists and can be read by this process.
    static func probe(_ path: String) -> PathProbe {
        if access(path, R_OK) == 0 { return PathProbe(path: path, state: .present) }
        return PathProbe(path: path, state: errno == ENOENT ? .missing : .unreadable)
    }
}
