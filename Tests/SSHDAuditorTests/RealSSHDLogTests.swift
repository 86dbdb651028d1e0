import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The classifier against what a real OpenSSH server writes: an sshd on a loopback port logs to a file, a real
/// `ssh` client fails to log in as a user whose name imitates an address, and `sshd-auditor events` reads it.
@Suite("sshd-auditor events on a real sshd's log")
struct RealSSHDLogTests {
    @Test("listening, invalid user, connection closed and terminating, with an injected user name")
    func realServer() throws {
        guard
            TestEnvironment.require(TestEnvironment.isRoot, "sshd needs root"),
            TestEnvironment.require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"), "no sshd"),
            TestEnvironment.require(FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh"), "no ssh client"),
            TestEnvironment.require(
                FileManager.default.fileExists(atPath: "/run/sshd"),
                "sshd needs its privilege separation directory /run/sshd"
            ),
            TestEnvironment.requireAuditorBinary()
        else { return }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("events-sshd-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hostKey = directory.appendingPathComponent("host_ed25519").path
        let keygen = try runCommand("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey])
        try #require(keygen.status == 0, "ssh-keygen: \(keygen.stderr)")

        let port = try Self.freeLoopbackPort()
        let config = directory.appendingPathComponent("sshd_config")
        try """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(hostKey)
        PidFile none
        LogLevel INFO
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        AuthorizedKeysFile none

        """.write(to: config, atomically: true, encoding: .utf8)
        let logFile = directory.appendingPathComponent("sshd.log")

        // -D: stay in the foreground, -e: log to standard error, which goes to the file.
        let sshd = try SpawnedProcess(
            "/usr/sbin/sshd",
            ["-D", "-e", "-f", config.path],
            outputPath: logFile.path
        )
        defer { sshd.kill() }
        try Self.waitFor("Server listening", in: logFile, timeout: .seconds(10))

        let user = "x from 203.0.113.9 port 22"
        let ssh = try runCommand(
            "/usr/bin/ssh",
            [
                "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "-o", "IdentitiesOnly=yes",
                "-o", "IdentityFile=/dev/null", "-p", String(port), "-l", user, "127.0.0.1", "true",
            ],
            timeout: .seconds(20)
        )
        #expect(ssh.status != 0, "the login must fail")
        try Self.waitFor("Connection closed by", in: logFile, timeout: .seconds(10))

        // SIGTERM: sshd logs `Received signal 15; terminating.` and exits.
        #expect(sshd.terminate(within: .seconds(10)))

        let result = try runCommand(
            TestEnvironment.auditorBinary,
            ["events", "--json", "--framing", "message", logFile.path],
            timeout: .seconds(30)
        )
        #expect(result.status == 0)
        let events = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        func first(_ kind: String) throws -> [String: Any] {
            try #require(events.first { $0["kind"] as? String == kind }, "no \(kind) in \(result.stdout)")
        }
        let listening = try first("server_listening")
        #expect(listening["listener_address"] as? String == "127.0.0.1")
        #expect(listening["listener_port"] as? Int == port)
        let invalid = try first("invalid_user")
        #expect(invalid["user"] as? String == user)
        #expect(invalid["address"] as? String == "127.0.0.1")
        #expect(invalid["port"] as? Int != 22)
        let closed = try first("connection_closed")
        #expect(closed["user"] as? String == user)
        #expect(closed["address"] as? String == "127.0.0.1")
        #expect(closed["preauth"] as? Bool == true)
        #expect(closed["port"] as? Int == invalid["port"] as? Int)
        #expect(try first("terminating")["signal"] as? Int == 15)
    }

    /// A port nothing listens on now: bind port 0 on loopback and read back what the kernel chose.
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls `file` until it contains `text`, failing after `timeout`.
    static func waitFor(_ text: String, in file: URL, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let contents = try? String(contentsOf: file, encoding: .utf8), contents.contains(text) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let contents = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        Issue.record("\(text) did not appear in the sshd log within \(timeout): \(contents)")
        throw CancellationError()
    }
}

/// A child process started with `posix_spawn`, its standard output and error appended to a file.
///
/// Why not Foundation's `Process` for the long-running sshd: on Linux its child monitor blocked in `waitpid` on
/// the still-running sshd, so a second `Process` (the ssh client) never saw its own exit and the test hung.
final class SpawnedProcess {
    let pid: pid_t
    private var reaped = false

    init(_ executable: String, _ arguments: [String], outputPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        try #require(status == 0, "posix_spawn \(executable): \(String(cString: strerror(status)))")
        self.pid = pid
    }

    /// Sends SIGTERM and waits up to `timeout` for the process to exit; `false` if it did not.
    func terminate(within timeout: Duration) -> Bool {
        guard !self.reaped else { return true }
        Glibc.kill(self.pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(self.pid, &status, WNOHANG) == self.pid {
                self.reaped = true
                return true
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Kills the process if it still runs and reaps it, so nothing is left behind.
    func kill() {
        guard !self.reaped else { return }
        Glibc.kill(self.pid, SIGKILL)
        var status: Int32 = 0
        waitpid(self.pid, &status, 0)
        self.reaped = true
    }
}
