import ArgumentParser
import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

@testable import SSHDAuditorCLI

@Suite("sshd-auditor sockets")
struct SocketsCommandTests {
    @Test("parses --proc-root and --json, defaulting to /proc and a table")
    func parsing() throws {
        let command = try #require(
            try SSHDAuditorCommand.parseAsRoot(["sockets", "--proc-root", "/srv/proc", "--json"]) as? SocketsCommand
        )
        #expect(command.procRoot == "/srv/proc")
        #expect(command.json)
        let defaults = try #require(try SSHDAuditorCommand.parseAsRoot(["sockets"]) as? SocketsCommand)
        #expect(defaults.procRoot == "/proc")
        #expect(!defaults.json)
        #expect(defaults.source == .auto)
        #expect(!defaults.noProcesses)
        for source in SocketSource.allCases {
            let parsed = try #require(
                try SSHDAuditorCommand.parseAsRoot(["sockets", "--source", source.rawValue, "--no-processes"])
                    as? SocketsCommand
            )
            #expect(parsed.source == source)
            #expect(parsed.noProcesses)
        }
    }

    @Test("rejects an unknown source, and netlink with a proc root it cannot read")
    func invalidSource() {
        #expect(throws: (any Error).self) { try SSHDAuditorCommand.parseAsRoot(["sockets", "--source", "ss"]) }
        #expect(throws: (any Error).self) {
            try SSHDAuditorCommand.parseAsRoot(["sockets", "--source", "netlink", "--proc-root", "/srv/proc"])
        }
        #expect(throws: Never.self) {
            try SSHDAuditorCommand.parseAsRoot(["sockets", "--source", "netlink", "--proc-root", "/proc/"])
        }
    }

    @Test("renders a table with aligned columns and every owner")
    func table() throws {
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        let sockets = try ListeningSocketReader(procRoot: tree.path).listeningSockets().value
        #expect(
            ListeningSocketReport.table(sockets) == """
                Local Address:Port       Recv-Q  Send-Q  UID   PID    Command
                0.0.0.0:22               0       0       0     1,123  systemd,sshd
                [::]:22                  0       0       0     123    sshd
                127.0.0.1:631            1       0       0     -      -
                127.0.0.1:8080           0       0       1000  4711   -
                [::ffff:127.0.0.1]:8080  0       0       0     4711   -

                """
        )
    }

    @Test("the JSON is byte for byte what JSONEncoder wrote", arguments: [SocketSource.proc, nil])
    func jsonMatchesJSONEncoder(source: SocketSource?) throws {
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        var parsed = try ListeningSocketReader(procRoot: tree.path).listeningSockets()
        #expect(!parsed.diagnostics.isEmpty, "the fixture's truncated row should give a diagnostic")
        parsed.diagnostics.append(ParseDiagnostic(file: nil, line: 0, severity: .warning, message: "no file / \"x\""))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let expected = String(
            decoding: try encoder.encode(FoundationSocketsDocument(parsed, source: source)),
            as: UTF8.self
        )
        #expect(try ListeningSocketReport.json(parsed, source: source) == expected + "\n")
    }

    @Test("the binary prints the table, and diagnostics on standard error")
    func binaryTable() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        let result = try runCommand(TestEnvironment.auditorBinary, ["sockets", "--proc-root", tree.path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Local Address:Port") == true)
        #expect(lines.count == 6)
        #expect(result.stderr.contains("\(tree.path)/net/tcp:6: error: truncated row"))
    }

    @Test("the binary prints JSON with sockets, processes and diagnostics")
    func binaryJSON() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        let result = try runCommand(TestEnvironment.auditorBinary, ["sockets", "--proc-root", tree.path, "--json"])
        #expect(result.status == 0)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        )
        let sockets = try #require(document["sockets"] as? [[String: Any]])
        #expect(sockets.compactMap { $0["local"] as? String }.count == 5)
        let first = try #require(sockets.first)
        #expect(first["local"] as? String == "0.0.0.0:22")
        #expect(first["address"] as? String == "0.0.0.0")
        #expect(first["port"] as? Int == 22)
        #expect(first["family"] as? String == "ipv4")
        #expect(first["state"] as? String == "LISTEN")
        #expect(first["inode"] as? Int == 104_061)
        #expect(first["uid"] as? Int == 0)
        #expect(first["receive_queue"] as? Int == 0)
        #expect(first["transmit_queue"] as? Int == 0)
        let processes = try #require(first["processes"] as? [[String: Any]])
        #expect(processes.compactMap { $0["pid"] as? Int } == [1, 123])
        #expect(processes.compactMap { $0["fd"] as? Int } == [47, 3])
        #expect(processes.compactMap { $0["command"] as? String } == ["systemd", "sshd"])
        // A process whose name could not be read has "command": null, not a missing key.
        let orphan = try #require(sockets.first { $0["local"] as? String == "127.0.0.1:8080" })
        let orphanProcess = try #require((orphan["processes"] as? [[String: Any]])?.first)
        #expect(orphanProcess["command"] is NSNull)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["line"] as? Int == 6)
        #expect(diagnostics.first?["severity"] as? String == "error")
        #expect(document["source"] as? String == "proc")
        #expect(result.stderr.isEmpty)
    }

    @Test("the binary with --no-processes lists the sockets without owners")
    func binaryNoProcesses() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        let result = try runCommand(
            TestEnvironment.auditorBinary,
            ["sockets", "--proc-root", tree.path, "--source", "proc", "--no-processes"]
        )
        #expect(result.status == 0)
        let rows = result.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.split(separator: " ").suffix(2) == ["-", "-"] }, "\(rows)")
    }

    @Test("the binary fails with a clear message when the proc root has no tables")
    func binaryMissingRoot() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try ProcTree()
        defer { tree.remove() }
        let result = try runCommand(TestEnvironment.auditorBinary, ["sockets", "--proc-root", tree.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read \(tree.path)/net/tcp: No such file or directory"))
    }

    @Test("--help explains the columns and the difference from ss")
    func help() throws {
        let help = SocketsCommand.helpMessage(columns: 100)
        for phrase in [
            "--proc-root", "--json", "--source", "netlink", "--no-processes", "Recv-Q", "[::]:22", "Connection refused",
            "/proc/PID/fd",
        ] {
            #expect(help.contains(phrase), "help lacks \(phrase)")
        }
    }
}

/// The sockets report as it was declared when `Codable` and `JSONEncoder` wrote it: the reference for the format.
private struct FoundationSocketsDocument: Encodable {
    var source: String?
    var sockets: [Socket]
    var diagnostics: [Diagnostic]

    init(_ parsed: Parsed<[ListeningSocket]>, source: SocketSource?) {
        self.source = source?.rawValue
        self.sockets = parsed.value.map(Socket.init)
        self.diagnostics = parsed.diagnostics.map(Diagnostic.init)
    }

    struct Socket: Encodable {
        var local: String
        var family: String
        var address: String
        var port: UInt16
        var state: String
        var receiveQueue: UInt32
        var transmitQueue: UInt32
        var uid: UInt32
        var inode: UInt64
        var processes: [Process]

        init(_ socket: ListeningSocket) {
            self.local = socket.endpoint.description
            self.family = socket.entry.family.rawValue
            self.address = socket.endpoint.address.description
            self.port = socket.endpoint.port
            self.state = socket.entry.state.description
            self.receiveQueue = socket.entry.receiveQueue
            self.transmitQueue = socket.entry.transmitQueue
            self.uid = socket.entry.uid
            self.inode = socket.entry.inode
            self.processes = socket.owners.map(Process.init)
        }

        enum CodingKeys: String, CodingKey {
            case local, family, address, port, state, uid, inode, processes
            case receiveQueue = "receive_queue"
            case transmitQueue = "transmit_queue"
        }
    }

    struct Process: Encodable {
        var pid: Int32
        var fd: Int32
        var command: String?

        init(_ owner: SocketOwner) {
            self.pid = owner.pid
            self.fd = owner.fileDescriptor
            self.command = owner.command
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.pid, forKey: .pid)
            try container.encode(self.fd, forKey: .fd)
            try container.encode(self.command, forKey: .command)
        }

        enum CodingKeys: String, CodingKey {
            case pid, fd, command
        }
    }

    struct Diagnostic: Encodable {
        var file: String?
        var line: Int
        var severity: String
        var message: String

        init(_ diagnostic: ParseDiagnostic) {
            self.file = diagnostic.file
            self.line = diagnostic.line
            self.severity = diagnostic.severity.rawValue
            self.message = diagnostic.message
        }
    }
}
