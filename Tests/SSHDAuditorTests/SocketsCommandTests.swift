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

    @Test("the binary prints the table, and diagnostics on standard error")
    func binaryTable() throws {
        guard Self.binaryExists() else { return }
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
        guard Self.binaryExists() else { return }
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
        #expect(result.stderr.isEmpty)
    }

    @Test("the binary fails with a clear message when the proc root has no tables")
    func binaryMissingRoot() throws {
        guard Self.binaryExists() else { return }
        let tree = try ProcTree()
        defer { tree.remove() }
        let result = try runCommand(TestEnvironment.auditorBinary, ["sockets", "--proc-root", tree.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read \(tree.path)/net/tcp: No such file or directory"))
    }

    @Test("--help explains the columns and the difference from ss")
    func help() throws {
        let help = SocketsCommand.helpMessage(columns: 100)
        for phrase in ["--proc-root", "--json", "Recv-Q", "[::]:22", "Connection refused", "/proc/PID/fd"] {
            #expect(help.contains(phrase), "help lacks \(phrase)")
        }
    }

    static func binaryExists() -> Bool {
        TestEnvironment.require(
            FileManager.default.isExecutableFile(atPath: TestEnvironment.auditorBinary),
            "no sshd-auditor binary at \(TestEnvironment.auditorBinary); build it first"
        )
    }
}
