import SSHDAuditCore
import Systemd

/// Reads sshd's entries from the systemd journal, classifying each `MESSAGE` with ``SSHDMessageClassifier``,
/// and remembers the last entry's cursor in a state file so a restarted daemon resumes just after it.
///
/// Without a usable cursor (first start, file lost or corrupt, cursor rejected) reading starts at the tail by
/// default (``LogStartPosition/end``): old history is not replayed as new alerts, and a notice says so. The
/// cursor is saved after every batch that read an entry (atomically: temporary file, `fsync`, `rename`).
/// Resuming uses ``JournalReader/seek(after:)``, which skips the entry the cursor names
/// (`sd_journal_test_cursor(3)`).
///
/// Until the first entry is read no cursor exists to save (``JournalReader`` offers no cursor for the tail
/// position itself), so a daemon restarted before any sshd entry arrived starts at the tail again.
///
/// The reader survives journald restarts and journal rotation: libsystemd notices new and removed files
/// (``JournalReader/WaitResult/invalidated``) and ``readNewEvents(limit:)`` continues from where it stood.
///
/// Owns a ``JournalReader`` and, like it, is not thread-safe: keep it in one task or actor.
public final class JournalEventSource: SSHDLogEventSource {
    /// The journal matches for sshd's own entries: its programs (OpenSSH 9.8 split per-connection work into
    /// `sshd-session`, 10.0 adds `sshd-auth`) and its units (`ssh.service` on Debian and Ubuntu, `sshd.service`
    /// elsewhere), whose `ExecStartPre=sshd -t` output carries the config errors that stop sshd from starting.
    public static let sshdMatches = [
        "SYSLOG_IDENTIFIER=sshd",
        "SYSLOG_IDENTIFIER=sshd-session",
        "SYSLOG_IDENTIFIER=sshd-auth",
        "_SYSTEMD_UNIT=ssh.service",
        "_SYSTEMD_UNIT=sshd.service",
    ]

    /// Where the cursor is saved, or `nil` to keep it in memory only.
    public let stateFilePath: String?
    /// Where to start without a usable saved cursor.
    public let startPosition: LogStartPosition
    private let reader: JournalReader
    private var positioned = false
    private var cursor: String?
    private var notices: [LogSourceNotice] = []
    /// Whether the last read stopped at `limit` entries.
    public private(set) var hasPendingInput = false

    /// Reads the entries `reader` opens that match `matches` (any of them).
    ///
    /// - Parameters:
    ///   - reader: an open journal; this source sets its matches and position.
    ///   - stateFilePath: where to persist the cursor (`nil`: memory only).
    ///   - startPosition: where to start without a usable saved cursor: the tail (the default: no replay of old
    ///     history as new alerts) or the head.
    ///   - matches: `FIELD=value` matches, by default ``sshdMatches``.
    public init(
        reader: JournalReader,
        stateFilePath: String?,
        startPosition: LogStartPosition = .end,
        matches: [String] = JournalEventSource.sshdMatches
    ) throws {
        self.reader = reader
        self.stateFilePath = stateFilePath
        self.startPosition = startPosition
        try reader.setMatches(anyOf: matches)
    }

    /// Opens `source` (by default the system journal) and reads sshd's entries from it.
    public convenience init(
        source: JournalReader.Source = .system,
        stateFilePath: String?,
        startPosition: LogStartPosition = .end,
        matches: [String] = JournalEventSource.sshdMatches
    ) throws {
        try self.init(
            reader: try JournalReader(source: source),
            stateFilePath: stateFilePath,
            startPosition: startPosition,
            matches: matches
        )
    }

    public var name: String { "journal" }

    public var position: LogSourcePosition? { self.cursor.map { .journal(cursor: $0) } }

    public func takeNotices() -> [LogSourceNotice] {
        defer { self.notices.removeAll() }
        return self.notices
    }

    public func readNewEvents(limit: Int) throws -> [SSHDLogEvent] {
        guard limit > 0 else { return [] }
        // Takes in what made the readiness descriptor ready (appends, new or rotated files), which also makes it
        // block again: sd_journal_process(3) must follow each wake-up.
        try self.reader.process()
        if !self.positioned {
            try self.seekToSavedCursor()
            self.positioned = true
        }
        var events: [SSHDLogEvent] = []
        do {
            while events.count < limit, let entry = try self.reader.next() {
                events.append(Self.event(from: entry))
                self.cursor = entry.cursor
            }
        } catch {
            // The reader has moved past the entries read: hand them out rather than lose them. A lasting failure
            // shows again on the next call.
            guard !events.isEmpty else { throw error }
        }
        self.hasPendingInput = events.count == limit
        if !events.isEmpty, let stateFilePath, let cursor {
            do {
                try StateFile(path: stateFilePath).write(cursor + "\n")
            } catch {
                self.notices.append(
                    LogSourceNotice(kind: .stateNotSaved, message: "\(error): a restart would read these entries again")
                )
            }
        }
        return events
    }

    /// The journal's inotify descriptor (`sd_journal_get_fd(3)`), with the events and timeout libsystemd asks
    /// for. Any change to the journal files makes it ready, sshd's entries or not: a read then finds nothing
    /// new, cheaply. Without inotify (out of instances or watches) the journal is read every
    /// ``fallbackReadInterval``.
    public func readiness() -> LogReadiness {
        do {
            return LogReadiness(
                descriptor: try self.reader.pollDescriptor(),
                events: try self.reader.pollEvents(),
                timeout: try self.reader.pollTimeout()
            )
        } catch {
            return .every(Self.fallbackReadInterval)
        }
    }

    /// How often the journal is read when its changes cannot be waited for.
    public static let fallbackReadInterval: Duration = .seconds(1)

    /// Waits up to `timeout` for the journal to change: call it between reads instead of sleeping, so new sshd
    /// lines are read within milliseconds. Blocks the calling thread.
    ///
    /// The corresponding C function is `sd_journal_wait(3)`.
    public func waitForChanges(timeout: Duration) throws -> JournalReader.WaitResult {
        try self.reader.wait(timeout: timeout)
    }

    /// The event an entry stands for: its `MESSAGE` classified, with the entry's time, program, pid and host.
    public static func event(from entry: JournalEntry) -> SSHDLogEvent {
        let message = entry.fields["MESSAGE"] ?? []
        var event = message.withUnsafeBufferPointer { SSHDMessageClassifier.classify($0) }
        event.timestamp = LogTimestamp(unixMicroseconds: entry.realtimeMicroseconds)
        event.program = entry["SYSLOG_IDENTIFIER"].flatMap(SSHDProgram.init(rawValue:))
        event.pid = (entry["_PID"] ?? entry["SYSLOG_PID"]).flatMap { Int($0) }
        event.host = entry["_HOSTNAME"]
        return event
    }

    /// Positions the reader after the saved cursor, or at the tail with a notice when there is none.
    private func seekToSavedCursor() throws {
        guard let stateFilePath else {
            try self.seekToStart()
            return
        }
        guard let bytes = try StateFile(path: stateFilePath).read() else {
            try self.startWithoutCursor(.startedWithoutState, "no saved cursor in \(stateFilePath)")
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let saved = text.hasSuffix("\n") ? String(text.dropLast()) : text
        // A cursor is `key=value` pairs separated by ';' (s=, i=, b=, m=, t=, x=): one line of printable ASCII.
        guard !saved.isEmpty, saved.contains("="), saved.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            try self.startWithoutCursor(.stateReset, "the cursor file \(stateFilePath) is corrupt")
            return
        }
        do {
            try self.reader.seek(after: saved)
            self.cursor = saved
        } catch {
            try self.startWithoutCursor(.stateReset, "the journal rejected the cursor in \(stateFilePath) (\(error))")
        }
    }

    private func startWithoutCursor(_ kind: LogSourceNotice.Kind, _ reason: String) throws {
        try self.seekToStart()
        let from = self.startPosition == .end ? "from now on" : "from the oldest on"
        self.notices.append(LogSourceNotice(kind: kind, message: "\(reason): reading sshd's journal entries \(from)"))
    }

    private func seekToStart() throws {
        switch self.startPosition {
        case .end: try self.reader.seekToTail()
        case .start: try self.reader.seekToHead()
        }
    }
}
