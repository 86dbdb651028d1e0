import Foundation
import SystemPackage
import Systemd
import TestSupport
import Testing

extension SandboxedTests {
    @Suite("JournalWriter")
    struct JournalWriterTests {
        @Test("entries with custom fields reach the sandbox's journal, found by journalctl -o json")
        func writesToRealJournal() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            try sandbox.install(try SystemdProbeBinary.path(), at: "/usr/local/bin/systemd-probe")
            let tag = "t\(UInt32.random(in: 0...UInt32.max))"

            let output = try sandbox.runChecked(["/usr/local/bin/systemd-probe", "journal", tag])
            #expect(output == "writer: journal\nlogger: journal\n")

            let json = try sandbox.runChecked(["journalctl", "-o", "json", "--no-pager", "PROBE_TAG=\(tag)"])
            let entries = try json.split(separator: "\n").map { line in
                try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            try #require(entries.count == 1, "the writer's entry, by its PROBE_TAG field")
            let entry = entries[0]
            #expect(entry["MESSAGE"] as? String == "probe entry \(tag)")
            #expect(entry["PRIORITY"] as? String == "4")
            #expect(entry["SYSLOG_IDENTIFIER"] as? String == "systemd-probe")
            // journalctl -o json prints a value with a newline as a string (printable UTF-8 stays a string).
            #expect(entry["PROBE_MULTILINE"] as? String == "first line\nsecond line")
            #expect(entry["_COMM"] as? String == "systemd-probe")

            // The JournalLogHandler's entry: metadata keys became field names, the level became PRIORITY.
            let logged = try sandbox.runChecked([
                "journalctl", "-o", "json", "--no-pager", "LOGGER_LABEL=probe.logger", "PROBE_RUN=\(tag)",
            ])
            let log = try #require(JSONSerialization.jsonObject(with: Data(logged.utf8)) as? [String: Any])
            #expect(log["MESSAGE"] as? String == "probe log \(tag)")
            #expect(log["PRIORITY"] as? String == "3")
            #expect(log["PEER_ADDRESS"] as? String == "192.0.2.7")
            #expect(log["PROBE_TAG"] == nil)
            #expect(log["CODE_FUNC"] as? String == "writeJournal(tag:)")
            #expect((log["CODE_FILE"] as? String)?.hasSuffix("SystemdProbe.swift") == true)
        }

        @Test("without a journald socket, says so and writes the entry to the fallback instead of dropping it")
        func fallsBackWithoutJournald() throws {
            let pipe = try FileDescriptor.pipe()
            defer {
                try? pipe.readEnd.close()
                try? pipe.writeEnd.close()
            }
            // sd_journal_sendv always uses /run/systemd/journal/socket; the writer's socketPath only decides how a
            // 0 return is read, so point it where no socket exists to exercise the same path journald's absence takes.
            let writer = JournalWriter(
                socketPath: FilePath("/nonexistent/\(UUID().uuidString)/socket"),
                fallback: pipe.writeEnd
            )
            #expect(!writer.isJournalAvailable)
            let hostHasJournald = JournalWriter().isJournalAvailable

            let destination = try writer.send([
                (.message, "sshd is down"),
                (.priority, "3"),
                (.syslogIdentifier, "sshd-auditor"),
                (JournalField("SSHD_AUDITOR_CHECK")!, "unit-active"),
                (JournalField("DETAIL")!, "line one\nline two"),
            ])
            if hostHasJournald {
                // journald accepted it (sd_journal_sendv returned 1): nothing to fall back on.
                #expect(destination == .journal)
            } else {
                #expect(destination == .fallback)
                try pipe.writeEnd.close()
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = try buffer.withUnsafeMutableBytes { try pipe.readEnd.read(into: $0) }
                #expect(
                    String(decoding: buffer[..<count], as: UTF8.self)
                        == "sshd-auditor: <3> sshd is down SSHD_AUDITOR_CHECK=unit-active DETAIL=line one\\nline two\n"
                )
            }
        }
    }
}
