import Foundation
import TestSupport
import Testing

/// Runs the built `sshd-auditor events` binary on fixture logs, as an administrator would.
@Suite("sshd-auditor events")
struct EventsCommandTests {
    static var fixture: String {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures/logs/mixed-auth.log", withExtension: nil)).path
        }
    }

    func run(_ arguments: [String], input: String? = nil) throws -> CommandResult? {
        let binary = TestEnvironment.auditorBinary
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: binary),
                "\(binary) is not built (swift build, or set SSHD_AUDITOR_BIN)"
            )
        else { return nil }
        return try runCommand(binary, ["events"] + arguments, input: input, timeout: .seconds(30))
    }

    func jsonObjects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("--json prints one JSON object per sshd line and a JSON summary on stderr")
    func json() throws {
        guard let result = try self.run(["--json", "--year", "2026", try Self.fixture]) else { return }
        #expect(result.status == 0)
        let events = try self.jsonObjects(result.stdout)
        #expect(
            events.map { $0["kind"] as? String } == [
                "server_listening", "accepted", "failed_password", "drop_connection", "invalid_user",
                "connection_closed", "other",
            ]
        )
        #expect(events[1]["time"] as? String == "2026-11-21T10:00:02")
        #expect(events[1]["user"] as? String == "alice")
        #expect(events[1]["pid"] as? Int == 9100)
        // The injected user name does not move the address.
        #expect(events[2]["address"] as? String == "198.51.100.60")
        #expect(events[2]["user"] as? String == "x from 203.0.113.9 port 22")
        #expect(events[2]["time"] as? String == "2026-11-21T10:00:03.250000+01:00")
        #expect(events[3]["penalty"] as? String == "failed authentication")
        #expect(events[3]["program"] as? String == "sshd")
        #expect(events[4]["user"] as? String == "\"quoted\"\ttab")
        #expect(events[5]["preauth"] as? Bool == true)
        #expect(events[6]["message"] as? String == "some future OpenSSH message")

        let summary = try #require(try self.jsonObjects(result.stderr).last)
        #expect(summary["lines"] as? Int == 9)
        #expect(summary["sshd_lines"] as? Int == 7)
        #expect(summary["other_program_lines"] as? Int == 1)
        #expect(summary["unframed_lines"] as? Int == 1)
        let kinds = try #require(summary["kinds"] as? [String: Int])
        #expect(kinds["accepted"] == 1)
        #expect(kinds["other"] == 1)
        #expect(kinds["bind_failed"] == 0)
    }

    @Test("text output: one line per event, then the counts on stderr")
    func text() throws {
        guard let result = try self.run(["--year", "2026", try Self.fixture]) else { return }
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 7)
        #expect(
            lines[4]
                == #"2026-11-21T10:00:05 web-02 sshd[9154] invalid_user user="\"quoted\"\ttab" address=203.0.113.9 port=40300 invalid_user"#
        )
        #expect(result.stderr.hasPrefix("lines 9, sshd 7, other programs 1, not syslog 1\n"))
        #expect(result.stderr.contains("\ndrop_connection 1\n"))
    }

    @Test("reads standard input, and bare journal messages with --framing message")
    func standardInput() throws {
        let messages = "Invalid user git from 203.0.113.51 port 44100\nReceived signal 15; terminating.\n"
        guard let result = try self.run(["--json", "--framing", "message", "-"], input: messages) else { return }
        #expect(result.status == 0)
        let events = try self.jsonObjects(result.stdout)
        #expect(events.map { $0["kind"] as? String } == ["invalid_user", "terminating"])
        #expect(events[1]["signal"] as? Int == 15)
        #expect(events.allSatisfy { $0["time"] == nil })
    }

    @Test("a missing file is reported, the others are still read, and the exit status is 1")
    func missingFile() throws {
        guard let result = try self.run(["--summary-only", "/nonexistent/auth.log", try Self.fixture]) else { return }
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("/nonexistent/auth.log"))
        #expect(result.stderr.contains("lines 9, sshd 7"))
    }

    @Test("--help explains the output and shows examples")
    func help() throws {
        guard let result = try self.run(["--help"]) else { return }
        #expect(result.status == 0)
        #expect(result.stdout.contains("--json"))
        #expect(result.stdout.contains("journalctl -u ssh -o cat | sshd-auditor events --framing message -"))
    }
}
