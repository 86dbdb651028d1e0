import Foundation
import SSHDAuditCore
import SSHDAuditor
import Systemd
import TestSupport
import Testing

/// `JournalEventSource` on the real journal of the real-systemd sandbox, read from the host through
/// `/proc/PID/root`. New sshd lines are written inside the sandbox with `logger -t sshd`, which reaches journald
/// through /dev/log exactly as sshd's own syslog calls do.
@Suite("JournalEventSource", .serialized)
struct LogSourcesJournalEventSourceTests {
    @Test("reads sshd's startup lines, saves the cursor, resumes after it with no repeats, survives a journald restart")
    func resumes() throws {
        guard let sandbox = try bootSandboxForTest() else { return }
        defer { try? sandbox.powerOff() }
        let state = try TemporaryDirectory()
        let cursorFile = state.path("journal.cursor")

        let first = try JournalEventSource(
            source: .osRoot(sandbox.root),
            stateFilePath: cursorFile,
            startPosition: .start
        )
        let startup = try Self.readAll(first)
        let listening = startup.filter { $0.kind == .serverListening }
        #expect(listening.map(\.listenerPort) == [22, 22])
        #expect(listening.allSatisfy { $0.program == .sshd && $0.pid != nil && ($0.timestamp?.year ?? 0) >= 2024 })
        #expect(first.takeNotices().map(\.kind) == [.startedWithoutState])
        let saved = try String(contentsOfFile: cursorFile, encoding: .utf8)
        guard case .journal(let cursor) = try #require(first.position) else {
            Issue.record("a journal source reports a journal position")
            return
        }
        #expect(saved == cursor + "\n")

        let port = Int.random(in: 20_000...60_000)
        try Self.log(sandbox, tag: "sshd", "Failed password for invalid user mallory from 192.0.2.7 port \(port) ssh2")
        try Self.log(sandbox, tag: "sshd-session", "Accepted publickey for alice from 192.0.2.8 port \(port + 1) ssh2")
        // Another program's line in between: not sshd's, not read.
        try Self.log(sandbox, tag: "CRON", "Failed password for root from 192.0.2.99 port \(port + 9) ssh2")
        try Self.log(sandbox, tag: "sshd-auth", "Connection closed by 192.0.2.11 port \(port + 4) [preauth]")
        // A restarted daemon: a new source on the same cursor file sees exactly the new sshd lines.
        let second = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
        let resumed = try Self.readAll(second)
        #expect(resumed.map(\.port) == [port, port + 1, port + 4])
        #expect(resumed.map(\.kind) == [.failedPassword, .accepted, .connectionClosed])
        #expect(resumed.map(\.program) == [.sshd, .sshdSession, .sshdAuth])
        #expect(resumed.first?.user == "mallory" && resumed.first?.invalidUser == true)
        #expect(second.takeNotices().isEmpty)
        #expect(try second.readNewEvents(limit: 10).isEmpty)

        // journald restarts (and reopens its files): the open source carries on with the next entry.
        try sandbox.runChecked(["systemctl", "restart", "systemd-journald"])
        try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.9 port \(port + 2) [preauth]")
        let afterRestart = try Self.waitForEvents(second, count: 1)
        #expect(afterRestart.map(\.port) == [port + 2])
        #expect(afterRestart.first?.preauth == true)
        #expect(try second.readNewEvents(limit: 10).isEmpty)

        // And a third source resumes after that.
        try Self.log(sandbox, tag: "sshd", "Connection reset by 192.0.2.10 port \(port + 3)")
        let third = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
        #expect(try Self.readAll(third).map(\.port) == [port + 3])
    }

    @Test("the readiness descriptor (sd_journal_get_fd) wakes for a new sshd line, which the next read returns")
    func readiness() throws {
        guard let sandbox = try bootSandboxForTest() else { return }
        defer { try? sandbox.powerOff() }
        let source = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: nil)
        let readiness = source.readiness()
        #expect(readiness.descriptor != nil)
        #expect(readiness.timeout == nil, "a local journal announces its changes through inotify")
        #expect(try source.readNewEvents(limit: 100).isEmpty, "the tail: nothing old")

        let port = Int.random(in: 20_000...60_000)
        try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.3 port \(port) [preauth]")
        // journald announces appends after up to 250 ms (its post-change timer).
        #expect(LogSourcesReadinessTests.isReady(readiness, within: .seconds(2)))
        #expect(try source.readNewEvents(limit: 100).map(\.port) == [port])
        #expect(try source.readNewEvents(limit: 100).isEmpty)
    }

    @Test("a reopened journal watches at once: a line between the reopening and the next wait is announced")
    func readinessAcrossReopen() throws {
        guard let sandbox = try bootSandboxForTest() else { return }
        defer { try? sandbox.powerOff() }
        let source = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: nil, entriesPerOpen: 2)
        _ = source.readiness()
        #expect(try source.readNewEvents(limit: 100).isEmpty)
        let base = Int.random(in: 20_000...50_000)
        for port in base..<(base + 2) {
            try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.5 port \(port) [preauth]")
        }
        // Two entries: the journal is reopened after them, and one more read is asked for.
        #expect(try source.readNewEvents(limit: 100).map(\.port) == [base, base + 1])
        #expect(source.hasPendingInput)
        // Written after the reopening, and announced by journald (its post-change timer: 250 ms, give or take
        // its accuracy) before the daemon asks for the descriptor to wait on again: only watches set up by the
        // reopening itself see it.
        try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.5 port \(base + 2) [preauth]")
        Thread.sleep(forTimeInterval: 1)
        let readiness = source.readiness()
        #expect(LogSourcesReadinessTests.isReady(readiness, within: .seconds(2)))
        #expect(try source.readNewEvents(limit: 100).map(\.port) == [base + 2])
        #expect(!source.hasPendingInput)
    }

    @Test("a corrupt or missing cursor file starts at the tail: no old history, then every new line")
    func corruptCursor() throws {
        guard let sandbox = try bootSandboxForTest() else { return }
        defer { try? sandbox.powerOff() }
        let state = try TemporaryDirectory()
        let port = Int.random(in: 20_000...60_000)
        try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.1 port \(port) [preauth]")

        for (content, notice) in [
            ("s=garbage;i=zz\n", LogSourceNotice.Kind.stateReset), ("\u{0}\u{1}binary", .stateReset),
            (nil, .startedWithoutState),
        ] {
            let cursorFile = state.path("cursor-\(UUID().uuidString.prefix(8))")
            if let content { try Data(content.utf8).write(to: URL(fileURLWithPath: cursorFile)) }
            let source = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
            #expect(try source.readNewEvents(limit: 100).isEmpty, "old entries are not replayed")
            #expect(source.takeNotices().map(\.kind) == [notice])

            let newPort = Int.random(in: 20_000...60_000)
            try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.2 port \(newPort) [preauth]")
            #expect(try Self.waitForEvents(source, count: 1).map(\.port) == [newPort])
            // The cursor is saved and usable now.
            let resumed = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
            #expect(try resumed.readNewEvents(limit: 100).isEmpty)
            #expect(resumed.takeNotices().isEmpty)
        }
    }

    @Test(
        "reopening the journal every few entries loses and repeats nothing, live and across a restart; events are as from whole entries"
    )
    func reopens() throws {
        guard let sandbox = try bootSandboxForTest() else { return }
        defer { try? sandbox.powerOff() }
        let state = try TemporaryDirectory()
        let cursorFile = state.path("journal.cursor")
        // Reopened after every 3 entries, read 2 at a time: reopenings fall at a batch's end and in mid-run.
        let source = try JournalEventSource(
            source: .osRoot(sandbox.root),
            stateFilePath: cursorFile,
            startPosition: .start,
            entriesPerOpen: 3
        )
        _ = try Self.readAll(source)
        let base = Int.random(in: 20_000...50_000)
        for port in base..<(base + 11) {
            try Self.log(
                sandbox,
                tag: port % 2 == 0 ? "sshd" : "sshd-session",
                "Invalid user u\(port) from 192.0.2.9 port \(port)"
            )
        }
        let events = try Self.readAll(source)
        #expect(events.map(\.port) == (base..<(base + 11)).map { Optional($0) })

        // The same entries read whole (JournalReader.next(), JournalEventSource.event(from:)) give the same events.
        let reader = try JournalReader(source: .osRoot(sandbox.root))
        try reader.setMatches(anyOf: JournalEventSource.sshdMatches)
        try reader.seekToHead()
        var whole: [SSHDLogEvent] = []
        while let entry = try reader.next() { whole.append(JournalEventSource.event(from: entry)) }
        #expect(Array(whole.suffix(11)) == events)
        #expect(events.allSatisfy { $0.host != nil && $0.pid != nil && $0.program != nil && $0.timestamp != nil })

        // More lines; a restarted source resumes after the saved cursor, itself reopening as it goes.
        for port in (base + 11)..<(base + 16) {
            try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.9 port \(port) [preauth]")
        }
        let restarted = try JournalEventSource(
            source: .osRoot(sandbox.root),
            stateFilePath: cursorFile,
            entriesPerOpen: 2
        )
        #expect(try Self.readAll(restarted).map(\.port) == ((base + 11)..<(base + 16)).map { Optional($0) })
        #expect(restarted.takeNotices().isEmpty)
        // The first source carries on from where it stood too.
        #expect(try Self.readAll(source).map(\.port) == ((base + 11)..<(base + 16)).map { Optional($0) })

        // Read without saving, the position waits for savePosition(): until then a restart reads the run again.
        for port in (base + 16)..<(base + 20) {
            try Self.log(sandbox, tag: "sshd", "Connection closed by 192.0.2.9 port \(port) [preauth]")
        }
        let unsaved = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
        #expect(
            try unsaved.readNewEvents(limit: 3, savingPosition: false).map(\.port) == [base + 16, base + 17, base + 18]
        )
        #expect(try unsaved.readNewEvents(limit: 3, savingPosition: false).map(\.port) == [base + 19])
        let beforeSave = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
        #expect(
            try beforeSave.readNewEvents(limit: 10, savingPosition: false).map(\.port)
                == ((base + 16)..<(base + 20)).map { Optional($0) }
        )
        unsaved.savePosition()
        let afterSave = try JournalEventSource(source: .osRoot(sandbox.root), stateFilePath: cursorFile)
        #expect(try afterSave.readNewEvents(limit: 10).isEmpty)
    }

    @Test("classifies a journal entry's MESSAGE and keeps its realtime stamp in UTC")
    func eventFromEntry() {
        let entry = JournalEntry(
            fields: [
                "MESSAGE": Array("Invalid user admin from 203.0.113.5 port 40000".utf8),
                "SYSLOG_IDENTIFIER": Array("sshd-session".utf8),
                "_PID": Array("4242".utf8),
                "_HOSTNAME": Array("web1".utf8),
            ],
            // 2026-11-21T20:10:33.123456Z
            realtimeMicroseconds: 1_795_291_833_123_456,
            cursor: "s=1"
        )
        let event = JournalEventSource.event(from: entry)
        #expect(event.kind == .invalidUser)
        #expect(event.user == "admin" && event.address == "203.0.113.5" && event.port == 40000)
        #expect(event.program == .sshdSession && event.pid == 4242 && event.host == "web1")
        #expect(event.timestamp?.description == "2026-11-21T20:10:33.123456Z")
    }

    @Test(
        "realtime microseconds become the right civil date",
        arguments: [
            (UInt64(0), "1970-01-01T00:00:00Z"),
            (951_782_400_000_000, "2000-02-29T00:00:00Z"),
            (1_767_225_599_999_999, "2025-12-31T23:59:59.999999Z"),
        ]
    )
    func civilDates(microseconds: UInt64, expected: String) {
        #expect(LogTimestamp(unixMicroseconds: microseconds).description == expected)
    }

    // MARK: - Helpers

    /// Writes `message` with `logger -t tag` inside the sandbox and waits until journald has stored it.
    static func log(_ sandbox: Sandbox, tag: String, _ message: String) throws {
        try sandbox.runChecked(["logger", "-t", tag, message])
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let shown = try sandbox.runChecked(["journalctl", "-o", "cat", "--no-pager", "SYSLOG_IDENTIFIER=\(tag)"])
            if shown.split(separator: "\n").contains(Substring(message)) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw SandboxError(description: "journald did not store \(message) within 5 s")
    }

    static func readAll(_ source: JournalEventSource) throws -> [SSHDLogEvent] {
        var events: [SSHDLogEvent] = []
        while true {
            let batch = try source.readNewEvents(limit: 2)
            events += batch
            if batch.count < 2 { return events }
        }
    }

    /// Reads until `count` events arrived, waiting on the journal between reads, for at most 5 s.
    static func waitForEvents(_ source: JournalEventSource, count: Int) throws -> [SSHDLogEvent] {
        var events: [SSHDLogEvent] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while events.count < count, ContinuousClock.now < deadline {
            events += try source.readNewEvents(limit: 100)
            if events.count < count { _ = try source.waitForChanges(timeout: .milliseconds(200)) }
        }
        return events
    }
}

/// A temporary directory removed when the value is dropped.
private final class TemporaryDirectory {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "journal-\(UUID().uuidString.prefix(8))"
        )
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: self.url)
    }

    func path(_ name: String) -> String { self.url.appendingPathComponent(name).path }
}
