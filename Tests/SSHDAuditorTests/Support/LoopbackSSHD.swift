import Foundation
import Glibc
import TestSupport

/// A real `/usr/sbin/sshd -D -e` listening on loopback, on a port chosen at start, with its own
/// configuration and host key in a temporary directory.
///
/// It listens on 127.0.0.1 and, when the host has IPv6 loopback, on ::1. ``stop()`` ends it and every
/// connection child it forked, and deletes the directory; call it in a `defer`.
///
/// sshd is started with `posix_spawn(3)`, not Foundation's `Process`: on Linux, `Process` learns that a
/// child exited when the child's end of a private socket closes, and then blocks its one monitoring
/// thread in `waitpid`. sshd closes every inherited descriptor at startup, so `Process` would wait on
/// the running sshd forever, and no other child of the test process (`ss`, the auditor) would be
/// reaped again: the tests hung that way.
final class LoopbackSSHD {
    static let executable = "/usr/sbin/sshd"

    /// The temporary directory with `sshd_config`, `key` and `sshd.log`.
    let directory: URL
    let port: UInt16
    /// Whether sshd also listens on ::1.
    let listensOnIPv6: Bool
    /// The listener's pid (sshd -D does not fork away from its parent).
    let pid: pid_t
    /// The `address:port` texts sshd listens on, as `ss -n` prints them.
    var endpoints: [String] {
        ["127.0.0.1:\(self.port)"] + (self.listensOnIPv6 ? ["[::1]:\(self.port)"] : [])
    }

    /// sshd's wait status once it has been reaped.
    private var exitStatus: Int32?

    /// Starts sshd and returns once `ss` shows it listening on every address.
    ///
    /// - Parameter extraConfiguration: `sshd_config` lines to add, such as `MaxStartups 2:100:3`.
    init(extraConfiguration: [String] = []) throws {
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sshd-auditor-sshd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        // sshd refuses to start without its privilege separation directory (Debian's unit creates it
        // with RuntimeDirectory=sshd; nothing does here).
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let key = self.directory.appendingPathComponent("key").path
        let keygen = try runCommand("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        guard keygen.status == 0 else { throw LiveTestError("ssh-keygen failed: \(keygen.stderr)") }

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
            try self.waitUntilListening(timeout: .seconds(15))
        } catch {
            self.stop()
            throw error
        }
    }

    /// What sshd wrote to its log so far, for failure messages.
    var log: String {
        (try? String(contentsOf: self.directory.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
    }

    /// Ends sshd's connection children, then sshd, then deletes the directory. Bounded: it escalates to
    /// SIGKILL after two seconds.
    func stop() {
        // Children first: once the listener is gone they are reparented and harder to find.
        for child in Self.children(of: self.pid) { kill(child, SIGKILL) }
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
    var isRunning: Bool {
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
                throw LiveTestError("sshd exited (wait status \(self.exitStatus ?? 0)): \(self.log)")
            }
            let listening = try SSListing.read().endpoints
            if self.endpoints.allSatisfy(listening.contains) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw LiveTestError("sshd did not listen on \(self.endpoints) within \(timeout): \(self.log)")
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
            throw LiveTestError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// A port free on 127.0.0.1 (and on ::1 when the host has it), found by binding port 0 and reading
    /// the kernel's choice back. Another process may take it before sshd binds it; sshd then fails to
    /// start and the test reports sshd's log.
    private static func freePort() throws -> (UInt16, Bool) {
        let ipv4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard ipv4 >= 0 else { throw LiveTestError("socket: \(String(cString: strerror(errno)))") }
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
        guard bound else { throw LiveTestError("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
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
