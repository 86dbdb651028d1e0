import Foundation
import Systemd
import TestSupport
import Testing

extension SandboxedTests {
    /// `JournalReader` on the sandbox's journal, opened from the host through /proc/PID/root.
    @Suite("JournalReader")
    struct JournalReaderTests {
        /// The matches the auditor uses for sshd's own lines.
        static let sshdMatches = [
            "SYSLOG_IDENTIFIER=sshd", "SYSLOG_IDENTIFIER=sshd-session", "_SYSTEMD_UNIT=ssh.service",
        ]

        @Test("reads sshd's own startup lines, and only sshd's")
        func readsSSHDStartup() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let reader = try JournalReader(source: .osRoot(sandbox.root))
            try reader.setMatches(anyOf: Self.sshdMatches)
            try reader.seekToHead()

            var entries: [JournalEntry] = []
            while let entry = try reader.next() { entries.append(entry) }
            let messages = entries.map(\.message)
            print("sshd's lines in the sandbox journal: \(messages)")
            #expect(messages.contains("Server listening on 0.0.0.0 port 22."))
            #expect(messages.contains("Server listening on :: port 22."))
            #expect(entries.allSatisfy { $0["SYSLOG_IDENTIFIER"] == "sshd" || $0["_SYSTEMD_UNIT"] == "ssh.service" })
            #expect(entries.allSatisfy { !$0.cursor.isEmpty && $0.realtimeMicroseconds > 0 })

            // The same lines as journalctl sees them inside.
            let inside = try sandbox.runChecked(["journalctl", "-o", "cat", "--no-pager", "SYSLOG_IDENTIFIER=sshd"])
            let sshdOnly = entries.filter { $0["SYSLOG_IDENTIFIER"] == "sshd" }.map(\.message)
            #expect(sshdOnly == inside.split(separator: "\n").map(String.init))
        }

        @Test("resumes after a saved cursor without repeating or skipping an entry")
        func resumesFromCursor() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let tag = "cursor-\(UInt32.random(in: 0...UInt32.max))"
            try Self.log(sandbox, tag: tag, ["one", "two"])

            let first = try JournalReader(source: .osRoot(sandbox.root))
            try first.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try first.seekToHead()
            let before = try Self.readAll(first)
            #expect(before.map(\.message) == ["one", "two"])
            let saved = try #require(before.last?.cursor)

            try Self.log(sandbox, tag: tag, ["three", "four"])
            // A new reader, as after a restart of the daemon: only what came after the saved cursor.
            let resumed = try JournalReader(source: .osRoot(sandbox.root))
            try resumed.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try resumed.seek(after: saved)
            #expect(try Self.readAll(resumed).map(\.message) == ["three", "four"])
            #expect(try resumed.next() == nil)
        }

        @Test(
            "reopened after a cursor, it reads on from the next entry: none lost, none repeated; a bad cursor keeps it"
        )
        func reopensAfterCursor() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let tag = "reopen-\(UInt32.random(in: 0...UInt32.max))"
            try Self.log(sandbox, tag: tag, ["one", "two", "three"])

            let reader = try JournalReader(source: .osRoot(sandbox.root))
            try reader.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try reader.seekToHead()
            #expect(try reader.next()?.message == "one")
            #expect(try reader.moveToNextEntry())
            let two = try reader.cursor()
            try reader.reopen(after: two)
            #expect(try reader.next()?.message == "three")
            #expect(try reader.next() == nil)

            // At the end, the reader still stands on the last entry: its cursor names it, and a reopening there
            // reads only what comes after.
            let end = try reader.cursor()
            try reader.reopen(after: end)
            #expect(try reader.next() == nil)
            try Self.log(sandbox, tag: tag, ["four"])
            #expect(try reader.next()?.message == "four")

            // A cursor the journal rejects: the error is thrown, the open journal and its position are kept.
            try Self.log(sandbox, tag: tag, ["five"])
            #expect(throws: SystemdError.self) { try reader.reopen(after: "not a cursor") }
            #expect(try reader.next()?.message == "five")
            #expect(try reader.next() == nil)
        }

        @Test("withFields reads the named fields of the entry in one pass, as next() has them")
        func readsNamedFields() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let tag = "fields-\(UInt32.random(in: 0...UInt32.max))"
            try Self.log(sandbox, tag: tag, ["hello", "MESSAGE=inside the value"])

            let whole = try JournalReader(source: .osRoot(sandbox.root))
            try whole.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try whole.seekToHead()
            let entries = try Self.readAll(whole)
            #expect(entries.count == 2)

            let names = ["MESSAGE", "SYSLOG_IDENTIFIER", "_PID", "NO_SUCH_FIELD", "PRIORITY"]
            let reader = try JournalReader(source: .osRoot(sandbox.root))
            try reader.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try reader.seekToHead()
            for entry in entries {
                #expect(try reader.moveToNextEntry())
                var read: [String: String] = [:]
                try reader.withFields(names.map { Array($0.utf8) }) { index, value in
                    #expect(read[names[index]] == nil, "each field once")
                    read[names[index]] = String(decoding: value, as: UTF8.self)
                }
                let expected = Dictionary(
                    uniqueKeysWithValues: names.compactMap { name in entry[name].map { (name, $0) } }
                )
                #expect(read == expected)
                #expect(try reader.realtimeMicroseconds() == entry.realtimeMicroseconds)
                #expect(try reader.cursor() == entry.cursor)
            }
            #expect(try !reader.moveToNextEntry())
        }

        @Test("reads backwards from the end, newest matching entry first, to the start; knows it has files")
        func readsBackwards() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let tag = "backwards-\(UInt32.random(in: 0...UInt32.max))"
            try Self.log(sandbox, tag: tag, ["one", "two", "three"])
            // Written after: the newest entry of the journal is not one of the matched ones.
            try Self.log(sandbox, tag: tag + "-other", ["unrelated"])

            let reader = try JournalReader(source: .osRoot(sandbox.root))
            #expect(try reader.hasFiles())
            try reader.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try reader.seekToEnd()
            var messages: [String] = []
            while let entry = try reader.previous() { messages.append(entry.message) }
            #expect(messages == ["three", "two", "one"])

            // Opening an empty directory succeeds; it has no files, which is how an unreadable journal shows.
            let empty = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: empty) }
            let none = try JournalReader(source: .directory(empty))
            #expect(try !none.hasFiles())
            try none.seekToEnd()
            #expect(try none.previous() == nil)
        }

        @Test("waits for a new entry and reads it; times out when nothing comes")
        func waitsForNewEntries() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let tag = "wait-\(UInt32.random(in: 0...UInt32.max))"
            let reader = try JournalReader(source: .osRoot(sandbox.root))
            try reader.setMatches(anyOf: ["SYSLOG_IDENTIFIER=\(tag)"])
            try reader.seekToTail()
            #expect(try reader.next() == nil)

            let quiet = ContinuousClock.now
            // The first wait after opening may report the initial state; drain until a real timeout.
            var result = try reader.wait(timeout: .milliseconds(300))
            while result != .timedOut, ContinuousClock.now - quiet < .seconds(5) {
                result = try reader.wait(timeout: .milliseconds(300))
            }
            #expect(result == .timedOut)

            // Two entries: reading from the tail must return both, in order, not jump to the newest.
            try Self.log(sandbox, tag: tag, ["arrived", "also arrived"])
            let started = ContinuousClock.now
            var entry: JournalEntry?
            while entry == nil, ContinuousClock.now - started < .seconds(5) {
                _ = try reader.wait(timeout: .seconds(1))
                entry = try reader.next()
            }
            print(
                "new journal entry read through sd_journal_wait \(ContinuousClock.now - started) after journalctl inside showed it"
            )
            #expect(entry?.message == "arrived")
            #expect(entry?["PRIORITY"] == "6")
            #expect(try reader.next()?.message == "also arrived")
            #expect(try reader.next() == nil)
        }

        @Test("fails naming the call when the journal directory does not exist")
        func failsOnMissingDirectory() throws {
            let error = try #require(throws: SystemdError.self) {
                try JournalReader(source: .directory("/nonexistent/\(UUID().uuidString)"))
            }
            #expect(error.operation == "sd_journal_open_directory")
        }

        /// Writes `messages` inside the sandbox with `systemd-cat -t tag`, each as its own entry, and waits
        /// until journald has stored them.
        static func log(_ sandbox: Sandbox, tag: String, _ messages: [String]) throws {
            for message in messages {
                try sandbox.runChecked(["systemd-cat", "-t", tag, "echo", message])
            }
            // systemd-cat hands lines to journald over a stream; wait until journalctl inside sees them all.
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                let shown = try sandbox.runChecked([
                    "journalctl", "-o", "cat", "--no-pager", "SYSLOG_IDENTIFIER=\(tag)",
                ])
                if shown.split(separator: "\n").map(String.init).suffix(messages.count) == messages[...] { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            throw SandboxError(description: "journald did not store \(messages) within 5 s")
        }

        static func readAll(_ reader: JournalReader) throws -> [JournalEntry] {
            var entries: [JournalEntry] = []
            while let entry = try reader.next() { entries.append(entry) }
            return entries
        }
    }
}
