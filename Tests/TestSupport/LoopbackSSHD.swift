import Foundation
import Glibc

/// A real `/usr/sbin/sshd -D -e` listening on loopback, on a port chosen at start, with its own
/// configuration and host key in a temporary directory: for tests that need the real server (its
/// sockets, its process title, its log, `sshd -T` against its configuration).
///
/// It listens on 127.0.0.1 and, when the host has IPv6 loopback, on ::1. Starting it needs root (sshd's
/// privilege separation); guard with `TestEnvironment.require(TestEnvironment.isRoot, ...)`. ``stop()``
/// ends it and every connection child it forked, and deletes the directory; call it in a `defer`:
///
/// ```swift
/// let sshd = try LoopbackSSHD(extraConfiguration: ["MaxStartups 2:100:3"])
/// defer { sshd.stop() }
/// ```
///
/// sshd is started with `posix_spawn(3)`, not Foundation's `Process`: on Linux, `Process` learns that a
/// child exited when the child's end of a private socket closes, and then blocks its one monitoring
/// thread in `waitpid`. sshd closes every inherited descriptor at startup, so `Process` would wait on
/// the running sshd forever, and no other child of the test process (`ss`, the auditor) would be
/// reaped again: the tests hung that way.
public final class LoopbackSSHD {
    /// The server binary; tests check it exists before starting one.
    public static let executable = "/usr/sbin/sshd"
    /// `ss`, which tells when sshd listens.
    public static let ss = "/usr/bin/ss"

    /// The temporary directory with `sshd_config`, `key` and `sshd.log`.
    public let directory: URL
    /// The port sshd listens on, on every loopback address.
    public let port: UInt16
    /// Whether sshd also listens on ::1.
    public let listensOnIPv6: Bool
    /// The listener's pid (sshd -D does not fork away from its parent).
    public let pid: pid_t
    /// The configuration file sshd was started with.
    public var configurationPath: String { self.directory.appendingPathComponent("sshd_config").path }
    /// The private host key sshd was started with (ed25519, no passphrase).
    public var hostKeyPath: String { self.directory.appendingPathComponent("key").path }

    /// The `address:port` texts sshd listens on, as `ss -n` prints them.
    public var endpoints: [String] {
        ["127.0.0.1:\(self.port)"] + (self.listensOnIPv6 ? ["[::1]:\(self.port)"] : [])
    }

    /// sshd's wait status once it has been reaped.
    private var exitStatus: Int32?

    /// Starts sshd and returns once `ss` shows it listening on every address.
    ///
    /// The configuration is `ListenAddress` lines for the chosen port, `LoginGraceTime 30`, `UsePAM no`
    /// and `PidFile none`, then `extraConfiguration`. sshd keeps the first value of a single-valued
    /// keyword, so extra lines cannot override those three; extra `ListenAddress` lines add listeners,
    /// which the wait does not check.
    ///
    /// - Parameters:
    ///   - extraConfiguration: `sshd_config` lines to add, such as `MaxStartups 2:100:3`.
    ///   - timeout: How long sshd may take to listen before the start counts as failed.
    /// - Throws: `CommandError` with sshd's log when it exits or does not listen in time (it is stopped
    ///   and its directory deleted first), or when a file or the host key cannot be made.
    public init(extraConfiguration: [String] = [], timeout: Duration = .seconds(15)) throws {
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sshd-auditor-sshd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        // sshd refuses to start without its privilege separation directory (Debian's unit creates it
        // with RuntimeDirectory=sshd; nothing does here).
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let key = self.directory.appendingPathComponent("key").path
        let keygen = try runCommand("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        guard keygen.status == 0 else { throw CommandError("ssh-keygen failed: \(keygen.stderr)") }

        (self.port, self.listensOnIPv6) = try Self.freePort()
        var configuration = ["ListenAddress 127.0.0.1:\(self.port)"]
        if self.listensOnIPv6 { configuration.append("ListenAddress [::1]:\(self.port)") }
        configuration += ["LoginGraceTime 30", "UsePAM no", "PidFile none"] + extraConfiguration
        let configurationPath = self.directory.appendingPathComponent("sshd_config").path
        try (configuration.joined(separator: "\n") + "\n").write(
            toFile: configurationPath,
            atomically: true,
            encoding: .utf8
        )

        let logPath = self.directory.appendingPathComponent("sshd.log").path
        self.pid = try Self.spawn(
            [Self.executable, "-D", "-e", "-f", configurationPath, "-h", key, "-o", "PidFile=none"],
            log: logPath
        )
        do {
            try self.waitUntilListening(timeout: timeout)
        } catch {
            self.stop()
            throw error
        }
    }

    /// Stops sshd if the test did not: a throwing test must not leave a daemon behind.
    deinit {
        self.stop()
    }

    /// What sshd wrote to its log so far, for failure messages.
    public var log: String {
        (try? String(contentsOf: self.directory.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
    }

    /// Ends sshd's connection children, then sshd, then deletes the directory. Bounded: it escalates to
    /// SIGKILL after two seconds. Calling it again does nothing.
    public func stop() {
        // Children first: once the listener is gone they are reparented and harder to find. Only while
        // sshd is unreaped: after that its pid may belong to another process.
        if self.exitStatus == nil {
            for child in Self.children(of: self.pid) { kill(child, SIGKILL) }
        }
        if self.isRunning {
            kill(self.pid, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(2)
            while self.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if self.isRunning {
                kill(self.pid, SIGKILL)
                var status: Int32 = 0
                waitpid(self.pid, &status, 0)
                self.exitStatus = status
            }
        }
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Whether sshd still runs; reaps it (without blocking) once it has exited.
    public var isRunning: Bool {
        guard self.exitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(self.pid, &status, WNOHANG) == self.pid {
            self.exitStatus = status
            return false
        }
        return true
    }

    // MARK: - Helpers

    private func waitUntilListening(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard self.isRunning else {
                throw CommandError("sshd exited (wait status \(self.exitStatus ?? 0)): \(self.log)")
            }
            let listing = try runCommand(Self.ss, ["-ltnH", "sport = :\(self.port)"], timeout: .seconds(10))
            guard listing.status == 0 else { throw CommandError("ss -ltnH failed: \(listing.stderr)") }
            // State Recv-Q Send-Q Local:Port Peer:Port
            let listening = Set(
                listing.stdout.split(separator: "\n").compactMap { line -> String? in
                    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                    return fields.count >= 4 ? String(fields[3]) : nil
                }
            )
            if self.endpoints.allSatisfy(listening.contains) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CommandError("sshd did not listen on \(self.endpoints) within \(timeout): \(self.log)")
    }

    /// Starts `arguments[0]` with standard input from /dev/null, standard output and error appended to
    /// `log`, and a minimal environment. Other inherited descriptors need no closing: sshd closes every
    /// descriptor above standard error as it starts.
    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        let environment = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer { for pointer in argv + environment { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environment)
        guard result == 0 else {
            throw CommandError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// A port free on 127.0.0.1 (and on ::1 when the host has it), found by binding port 0 and reading
    /// the kernel's choice back. Another process may take it before sshd binds it; sshd then fails to
    /// start and the test reports sshd's log.
    private static func freePort() throws -> (UInt16, Bool) {
        let ipv4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard ipv4 >= 0 else { throw CommandError("socket: \(String(cString: strerror(errno)))") }
        defer { close(ipv4) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(ipv4, pointer, length) == 0 && getsockname(ipv4, pointer, &length) == 0
            }
        }
        guard bound else { throw CommandError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        let port = UInt16(bigEndian: address.sin_port)

        // The same port on ::1, if this host has IPv6 loopback at all.
        let ipv6 = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard ipv6 >= 0 else { return (port, false) }
        defer { close(ipv6) }
        var address6 = sockaddr_in6()
        address6.sin6_family = sa_family_t(AF_INET6)
        address6.sin6_addr = in6addr_loopback
        address6.sin6_port = port.bigEndian
        let bound6 = withUnsafePointer(to: &address6) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(ipv6, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
        return (port, bound6)
    }

    /// The pids whose parent is `pid`, from /proc/PID/stat (field 4).
    private static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> Int32? in
            guard let child = Int32(name),
                let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let afterCommand = stat.range(of: ") ", options: .backwards)
            else { return nil }
            let fields = stat[afterCommand.upperBound...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
        }
    }
}
