import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// The sockets command and the gauge against the real thing: a real sshd on loopback, compared with `ss`.
///
/// They need root (sshd's privilege separation) and run in CI; on a laptop without root they skip, saying
/// why.
@Suite("Sockets against a live sshd and ss")
struct SocketsLiveTests {
    static func canRun() -> Bool {
        TestEnvironment.require(TestEnvironment.isRoot, "starting sshd needs root")
            && TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: LoopbackSSHD.executable),
                "no OpenSSH server at \(LoopbackSSHD.executable)"
            )
            && TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: SSListing.executable),
                "no ss at \(SSListing.executable) (iproute2)"
            )
    }

    @Test("sshd-auditor sockets --json lists what ss -ltnp lists, with sshd's pid")
    func matchesSS() throws {
        guard Self.canRun(), TestEnvironment.requireAuditorBinary() else { return }
        let sshd = try LoopbackSSHD()
        defer { sshd.stop() }

        // Other processes on this machine open and close listeners while the test runs, so compare with
        // ss before and after: whatever listened throughout must be listed, and nothing that never
        // listened may be.
        let before = try SSListing.read()
        let result = try runCommand(TestEnvironment.auditorBinary, ["sockets", "--json"], timeout: .seconds(30))
        let after = try SSListing.read()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let sockets = try Self.decode(result.stdout)
        let listed = Set(sockets.map(\.local))

        let throughout = before.endpoints.intersection(after.endpoints)
        let ever = before.endpoints.union(after.endpoints)
        #expect(throughout.subtracting(listed).isEmpty, "listed by ss, missing from sshd-auditor")
        #expect(listed.subtracting(ever).isEmpty, "listed by sshd-auditor, never by ss")

        for endpoint in sshd.endpoints {
            // Exactly one socket: sshd does not use SO_REUSEPORT (other programs may, so other endpoints
            // can legitimately appear more than once).
            let matching = sockets.filter { $0.local == endpoint }
            #expect(matching.count == 1, "sshd's \(endpoint) listed \(matching.count) times")
            let socket = try #require(matching.first)
            #expect(Set(socket.processes.map(\.pid)) == [sshd.pid])
            #expect(socket.processes.map(\.command) == ["sshd"])
            #expect(before.pids[endpoint] == [sshd.pid], "ss -ltnp disagrees about the pid of \(endpoint)")
            #expect(socket.state == "LISTEN")
        }
    }

    @Test("sockets --source netlink and --source proc print sshd's listeners with its pid, and name the source")
    func bothSources() throws {
        guard Self.canRun(), TestEnvironment.requireAuditorBinary() else { return }
        let sshd = try LoopbackSSHD()
        defer { sshd.stop() }
        for source in ["netlink", "proc", "auto"] {
            let result = try runCommand(
                TestEnvironment.auditorBinary,
                ["sockets", "--json", "--source", source],
                timeout: .seconds(30)
            )
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(source): \(result.stderr)")
            struct Document: Decodable { var source: String }
            let document = try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8))
            #expect(document.source == (source == "auto" ? "netlink" : source))
            let sockets = try Self.decode(result.stdout)
            for endpoint in sshd.endpoints {
                let matching = sockets.filter { $0.local == endpoint }
                #expect(matching.map { Set($0.processes.map(\.pid)) } == [[sshd.pid]], "\(source) \(endpoint)")
            }
        }
    }

    @Test("as an unprivileged user, lists root's sshd without an owner instead of failing (EACCES on /proc/PID/fd)")
    func unprivileged() throws {
        guard
            Self.canRun(),
            TestEnvironment.requireAuditorBinary(),
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: Self.runuser),
                "no \(Self.runuser) (util-linux) to drop privileges"
            )
        else { return }
        let sshd = try LoopbackSSHD()
        defer { sshd.stop() }
        // The build directory may sit under a home directory that nobody cannot enter: run a copy.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sshd-auditor-bin-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let binary = directory.appendingPathComponent("sshd-auditor").path
        try Self.copyExecutable(TestEnvironment.auditorBinary, to: binary)

        let json = try runCommand(
            Self.runuser,
            ["-u", "nobody", "--", binary, "sockets", "--json"],
            timeout: .seconds(30)
        )
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let sockets = try Self.decode(json.stdout)
        for endpoint in sshd.endpoints {
            let socket = try #require(sockets.first { $0.local == endpoint }, "sshd's \(endpoint) not listed")
            #expect(socket.processes.isEmpty)
        }
        let table = try runCommand(Self.runuser, ["-u", "nobody", "--", binary, "sockets"], timeout: .seconds(30))
        #expect(table.status == 0)
        #expect(table.stdout.contains("127.0.0.1:\(sshd.port)"))
        #expect(table.stderr.contains("run as root to see them all"))
    }

    @Test("reads MaxStartups 2:100:3 from sshd's title: 0, then 2 of 2-3 with two idle connections")
    func gauge() throws {
        guard Self.canRun() else { return }
        let sshd = try LoopbackSSHD(extraConfiguration: ["MaxStartups 2:100:3"])
        defer { sshd.stop() }

        // Find the listener the way the daemon will: through its socket, not through our Process.
        let listeners = try ListeningSocketReader().listeningSockets().value
        let listener = try #require(listeners.first { $0.endpoint.description == "127.0.0.1:\(sshd.port)" })
        #expect(listener.pids == [sshd.pid])
        let reader = ProcessTitleReader()
        let pid = try #require(listener.pids.first)
        #expect(try Self.poll { try reader.gauge(pid: pid) } == MaxStartupsGauge(active: 0, start: 2, full: 3))

        var connections: [Int32] = []
        defer { for connection in connections { close(connection) } }
        for _ in 0..<2 { connections.append(try Self.connect(port: sshd.port)) }
        let busy = try Self.poll { try reader.gauge(pid: pid).flatMap { $0.active == 2 ? $0 : nil } }
        #expect(
            busy == MaxStartupsGauge(active: 2, start: 2, full: 3),
            "title: \((try? reader.title(pid: pid)) ?? "?")"
        )
        #expect(busy?.isThrottling == true)
        #expect(busy?.isFull == false)

        // Closing them ends the pre-authentication children, and sshd counts down again.
        for connection in connections { close(connection) }
        connections = []
        let idle = try Self.poll { try reader.gauge(pid: pid).flatMap { $0.active == 0 ? $0 : nil } }
        #expect(idle == MaxStartupsGauge(active: 0, start: 2, full: 3))
    }

    // MARK: - Helpers

    /// Copies an executable through a close-on-exec descriptor. FileManager's copy leaves its descriptor
    /// inheritable, and a child spawned meanwhile by a test running in parallel keeps the file open for
    /// writing, so executing the copy fails with ETXTBSY.
    static func copyExecutable(_ source: String, to destination: String) throws {
        let contents = try Data(contentsOf: URL(fileURLWithPath: source))
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw LiveTestError("open \(destination): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try contents.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else {
                    throw LiveTestError("write \(destination): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    static let runuser = "/usr/sbin/runuser"

    struct Socket: Decodable {
        struct Process: Decodable {
            var pid: Int32
            var fd: Int32
            var command: String?
        }
        var local: String
        var state: String
        var processes: [Process]
    }

    static func decode(_ json: String) throws -> [Socket] {
        struct Document: Decodable { var sockets: [Socket] }
        return try JSONDecoder().decode(Document.self, from: Data(json.utf8)).sockets
    }

    /// Calls `body` every 20 ms until it returns a value, for at most 10 seconds.
    static func poll<T>(_ body: () throws -> T?) throws -> T? {
        let deadline = ContinuousClock.now + .seconds(10)
        repeat {
            if let value = try body() { return value }
            Thread.sleep(forTimeInterval: 0.02)
        } while ContinuousClock.now < deadline
        return nil
    }

    /// An idle TCP connection to 127.0.0.1:`port`; the caller closes it.
    static func connect(port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LiveTestError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw LiveTestError("connect 127.0.0.1:\(port): \(message)")
        }
        return descriptor
    }
}
