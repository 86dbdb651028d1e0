@testable import SSHDAuditCore

/// Hand-built snapshots for the check tests: a healthy Debian-like machine by default, changed per test.
enum SnapshotBuilder {
    static let now = Duration.seconds(1_800_000_000)

    static func running(_ name: String = "ssh.service", pid: Int32 = 812) -> UnitHealth {
        UnitHealth(name: name, activeState: "active", subState: "running", mainPID: pid)
    }

    static func sshdConfig(_ text: String) -> SSHDEffectiveConfig {
        let evaluator = SSHDConfigEvaluator(environment: InMemorySSHDConfigEnvironment(files: [:]))
        return evaluator.evaluate(path: "/etc/ssh/sshd_config", bytes: Array(text.utf8)).value
    }

    /// A LISTEN socket on `address`:`port` held by `command`[`pid`]; no owner when `pid` is nil.
    static func socket(
        _ address: String,
        _ port: UInt16,
        pid: Int32? = 812,
        command: String = "sshd",
        inode: UInt64? = nil
    )
        -> ListeningSocket
    {
        let ip = IPAddress(address)!
        let entry = TCPSocketEntry(
            family: ip.family,
            local: TCPEndpoint(address: ip, port: port),
            remote: TCPEndpoint(address: ip.family == .ipv4 ? .ipv4Unspecified : .ipv6Unspecified, port: 0),
            state: .listen,
            transmitQueue: 0,
            receiveQueue: 0,
            uid: 0,
            inode: inode ?? UInt64(port) * 1000 + UInt64(address.utf8.count) + UInt64(pid ?? 0)
        )
        let owners = pid.map { [SocketOwner(pid: $0, fileDescriptor: 3, command: command)] } ?? []
        return ListeningSocket(entry: entry, owners: owners)
    }

    static func sshd(_ address: String, _ port: UInt16, pid: Int32 = 812) -> ListeningSocket {
        Self.socket(address, port, pid: pid)
    }

    static func event(_ kind: SSHDLogEventKind, secondsAgo: Int, address: String? = nil, path: String? = nil)
        -> TimedLogEvent
    {
        TimedLogEvent(
            time: Self.now - .seconds(secondsAgo),
            event: SSHDLogEvent(kind: kind, address: address, path: path)
        )
    }

    /// sshd running on 0.0.0.0:22 and [::]:22 as configured, `sshd -t` passing, keys and /run/sshd present.
    static func healthy() -> AuditSnapshot {
        AuditSnapshot(
            time: Self.now,
            sshdInstalled: true,
            service: Self.running(),
            configTest: ConfigTestResult(exitStatus: 0),
            sshdConfig: Self.sshdConfig("Port 22\n"),
            listeners: [Self.sshd("0.0.0.0", 22), Self.sshd("::", 22)],
            startups: MaxStartupsGauge(active: 0, start: 10, full: 100),
            privsepDirectory: PathProbe(path: "/run/sshd", state: .present),
            hostKeys: [
                PathProbe(path: "/etc/ssh/ssh_host_ed25519_key", state: .present),
                PathProbe(path: "/etc/ssh/ssh_host_rsa_key", state: .present),
            ],
            logWindow: LogWindow(configuration: .default)
        )
    }

    /// The one finding a check must return, or a test failure.
    static func only(_ findings: [Finding]) -> Finding? {
        findings.count == 1 ? findings[0] : nil
    }
}

extension AuditSnapshot {
    /// Sets the log window to `events` as the daemon would have recorded them by ``time``, with this
    /// snapshot's configured windows; `nil`: sshd's log could not be read.
    mutating func setLogEvents(_ events: [TimedLogEvent]?) {
        self.logWindow = events.map { LogWindow($0, now: self.time, configuration: self.configuration) }
    }
}
