import Foundation
import SSHDAuditCore
import SSHDAuditor
import SystemPackage
import Testing

@Suite("ListeningSocketReader and ProcessTitleReader on a fixture /proc tree")
struct ListeningSocketReaderTests {
    static let tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 0100007F:0277 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 104063 1 0000000000000000 100 0 0 10 0
           1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 104061 1 0000000000000000 100 0 0 10 0
           2: 0100007F:0016 0100007F:8D6C 01 00000000:00000003 00:00000000 00000000     0        0 104067 1 0000000000000000 20 4 30 10 -1
           3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 104080 1 0000000000000000 100 0 0 10 0
           4: 0100007F:1F91 00000000:0000 0A 00000000:00000000

        """
    static let tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 104062 1 0000000000000000 100 0 0 10 0
           1: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 104064 1 0000000000000000 100 0 0 10 0

        """

    /// Three processes and the debris a live /proc has: a process that exited mid-walk (no fd directory),
    /// non-socket descriptors, a malformed socket link, `self`, and non-process entries.
    static func makeTree(withIPv6: Bool = true) throws -> ProcTree {
        let tree = try ProcTree()
        try tree.write("net/tcp", Self.tcp)
        if withIPv6 { try tree.write("net/tcp6", Self.tcp6) }
        // sshd holds both port-22 listeners.
        try tree.write("123/comm", "sshd\n")
        try tree.write(
            "123/cmdline",
            bytes: Array("sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups".utf8) + [0]
        )
        try tree.link("123/fd/0", to: "/dev/null")
        try tree.link("123/fd/3", to: "socket:[104061]")
        try tree.link("123/fd/4", to: "socket:[104062]")
        try tree.link("123/fd/5", to: "socket:[104067]")
        // systemd passed the IPv4 port-22 socket to sshd and still holds it.
        try tree.write("1/comm", "systemd\n")
        try tree.write("1/cmdline", bytes: Array("/sbin/init\0".utf8))
        try tree.link("1/fd/47", to: "socket:[104061]")
        try tree.link("1/fd/48", to: "pipe:[99]")
        try tree.link("1/fd/49", to: "socket:[oops]")
        // A web server on 8080 (IPv4 and v4-mapped IPv6) whose comm is gone: it exited during the walk.
        try tree.link("4711/fd/6", to: "socket:[104080]")
        try tree.link("4711/fd/7", to: "socket:[104064]")
        // Exited before its fd directory could be listed.
        try tree.write("999/comm", "gone\n")
        try tree.link("self", to: "123")
        try tree.makeDirectory("sys/net")
        try tree.write("uptime", "1.00 2.00\n")
        return tree
    }

    @Test("maps each LISTEN socket to the processes holding it, sorted by port and address")
    func owners() throws {
        let tree = try Self.makeTree()
        defer { tree.remove() }
        let parsed = try ListeningSocketReader(procRoot: tree.path).listeningSockets()
        #expect(
            parsed.value.map {
                "\($0.endpoint) \($0.owners.map { "\($0.pid)/\($0.fileDescriptor)/\($0.command ?? "?")" })"
            }
                == [
                    "0.0.0.0:22 [\"1/47/systemd\", \"123/3/sshd\"]",
                    "[::]:22 [\"123/4/sshd\"]",
                    "127.0.0.1:631 []",
                    "127.0.0.1:8080 [\"4711/6/?\"]",
                    "[::ffff:127.0.0.1]:8080 [\"4711/7/?\"]",
                ]
        )
        #expect(parsed.value.allSatisfy { $0.entry.state == .listen })
        #expect(parsed.value.first { $0.endpoint.port == 8080 }?.entry.uid == 1000)
        #expect(parsed.value.first { $0.endpoint.port == 631 }?.entry.receiveQueue == 1)
    }

    @Test("reuses the previous owners while each still holds its socket; anything else walks every fd again")
    func reusesOwners() throws {
        let tree = try Self.makeTree()
        defer { tree.remove() }
        let reader = ListeningSocketReader(procRoot: tree.path)
        // Only sockets whose owners are all known can be reused: leave out 631, which has none.
        let walked = try reader.listeningSockets().value.filter { !$0.owners.isEmpty }
        let previous = Dictionary(uniqueKeysWithValues: walked.map { ($0.entry.inode, $0.owners) })
        let inodes = Set(previous.keys)
        #expect(reader.owners(ofInodes: inodes, reusing: previous) == previous)

        // A process the walk would find but the check does not look for: proof the walk was skipped.
        try tree.link("555/fd/9", to: "socket:[104061]")
        #expect(reader.owners(ofInodes: inodes, reusing: previous) == previous)
        #expect(reader.owners(ofInodes: inodes)[104061]?.map(\.pid).sorted() == [1, 123, 555])

        // sshd's descriptor now names another socket: the owners are found afresh, 555 among them.
        try FileManager.default.removeItem(atPath: tree.path + "/123/fd/3")
        try tree.link("123/fd/3", to: "socket:[999999]")
        let rewalked = reader.owners(ofInodes: inodes, reusing: previous)
        #expect(rewalked[104061]?.map(\.pid).sorted() == [1, 555])
        // A socket that came (or went) walks too.
        #expect(
            reader.owners(ofInodes: inodes.union([104063]), reusing: previous)
                == reader.owners(ofInodes: inodes.union([104063]))
        )
        // No previous owners: the walk.
        #expect(reader.owners(ofInodes: inodes, reusing: nil) == reader.owners(ofInodes: inodes))
    }

    @Test("reports unreadable rows with the path under the proc root")
    func diagnostics() throws {
        let tree = try Self.makeTree()
        defer { tree.remove() }
        let parsed = try ListeningSocketReader(procRoot: tree.path + "/").listeningSockets()
        #expect(parsed.diagnostics.map(\.file) == ["\(tree.path)/net/tcp"])
        #expect(parsed.diagnostics.map(\.line) == [6])
    }

    @Test("returns every row of both tables, IPv4 first")
    func allSockets() throws {
        let tree = try Self.makeTree()
        defer { tree.remove() }
        let sockets = try ListeningSocketReader(procRoot: tree.path).sockets().value
        #expect(sockets.map(\.inode) == [104_063, 104_061, 104_067, 104_080, 104_062, 104_064])
        #expect(sockets.map(\.family) == [.ipv4, .ipv4, .ipv4, .ipv4, .ipv6, .ipv6])
    }

    @Test("reads a kernel without IPv6 (no tcp6) as no IPv6 sockets")
    func withoutIPv6() throws {
        let tree = try Self.makeTree(withIPv6: false)
        defer { tree.remove() }
        let parsed = try ListeningSocketReader(procRoot: tree.path).listeningSockets()
        #expect(parsed.value.map(\.endpoint.description) == ["0.0.0.0:22", "127.0.0.1:631", "127.0.0.1:8080"])
    }

    @Test("fails, naming the file, when the proc root has no net/tcp")
    func missingTable() throws {
        let tree = try ProcTree()
        defer { tree.remove() }
        let path = "\(tree.path)/net/tcp"
        #expect(
            throws: SocketReadError.proc(ProcAccessError(operation: "read", path: path, errno: .noSuchFileOrDirectory))
        ) {
            try ListeningSocketReader(procRoot: tree.path).listeningSockets()
        }
        #expect(
            SocketReadError.proc(ProcAccessError(operation: "read", path: path, errno: .noSuchFileOrDirectory))
                .description == "cannot read \(path): No such file or directory"
        )
    }

    @Test("reads titles and the MaxStartups gauge from PID/cmdline")
    func titles() throws {
        let tree = try Self.makeTree()
        defer { tree.remove() }
        let reader = ProcessTitleReader(procRoot: tree.path)
        #expect(try reader.title(pid: 123) == "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups")
        #expect(try reader.gauge(pid: 123) == MaxStartupsGauge(active: 0, start: 10, full: 100))
        #expect(try reader.title(pid: 1) == "/sbin/init")
        #expect(try reader.gauge(pid: 1) == nil)
        #expect(throws: ProcAccessError.self) { try reader.gauge(pid: 4711) }
    }
}
