import SSHDAuditCore
import Systemd

/// Reads sshd's entries from the systemd journal, classifying each `MESSAGE` with ``SSHDMessageClassifier``,
/// and remembers the last entry's cursor in a state file so a restarted daemon resumes just after it.
///
/// Without a usable cursor (first start, file lost or corrupt, cursor rejected) reading starts at the tail by
/// default (``LogStartPosition/end``): old history is not replayed as new alerts, and a notice says so. The
/// cursor is saved after every batch that read an entry, or when the caller asks (atomically: temporary file,
/// `fsync`, `rename`).
/// Resuming uses ``JournalReader/seek(after:)``, which skips the entry the cursor names
/// (`sd_journal_test_cursor(3)`).
///
/// Until the first entry is read no cursor exists to save (``JournalReader`` offers no cursor for the tail
/// position itself), so a daemon restarted before any sshd entry arrived starts at the tail again.
///
/// The reader survives journald restarts and journal rotation: libsystemd notices new and removed files
/// (``JournalReader/WaitResult/invalidated``) and ``readNewEvents(limit:)`` continues from where it stood.
///
/// Memory: sd-journal keeps every journal page it read mapped, and so resident, while its handle is open; under
/// a flood of sshd lines that grew the daemon's RSS by the size of the journal written (39 MiB after 100,000
/// lines). So every ``entriesPerOpen`` entries the journal is closed and opened again at the last entry's
/// cursor (``JournalReader/reopen(after:)``), which unmaps them: no entry is lost or read twice. Only the
/// fields the event needs are read from each entry.
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

    /// How many entries are read, by default, between two openings of the journal: the pages mapped meanwhile, a
    /// few hundred bytes of journal per entry, stay resident until it is closed. Under a flood of 5,000 lines a
    /// second that is about one reopening a second; never while sshd is quiet.
    public static let entriesPerOpen = 4096

    /// Where the cursor is saved, or `nil` to keep it in memory only.
    public let stateFilePath: String?
    /// Where to start without a usable saved cursor.
    public let startPosition: LogStartPosition
    /// How many entries are read between two openings of the journal (see ``entriesPerOpen``).
    public let entriesPerOpen: Int
    private let reader: JournalReader
    private var positioned = false
    private var cursor: String?
    private var notices: [LogSourceNotice] = []
    /// Entries read since the journal was (re)opened.
    private var entriesSinceOpen = 0
    /// The host name of the last entry that had one.
    private var lastHost: String?
    /// The cursor in the state file (`nil`: none written by this source yet).
    private var savedCursor: String?
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
    ///   - entriesPerOpen: entries read between two openings of the journal, by default ``entriesPerOpen``.
    public init(
        reader: JournalReader,
        stateFilePath: String?,
        startPosition: LogStartPosition = .end,
        matches: [String] = JournalEventSource.sshdMatches,
        entriesPerOpen: Int = JournalEventSource.entriesPerOpen
    ) throws {
        self.reader = reader
        self.stateFilePath = stateFilePath
        self.startPosition = startPosition
        self.entriesPerOpen = max(1, entriesPerOpen)
        try reader.setMatches(anyOf: matches)
    }

    /// Opens `source` (by default the system journal) and reads sshd's entries from it.
    public convenience init(
        source: JournalReader.Source = .system,
        stateFilePath: String?,
        startPosition: LogStartPosition = .end,
        matches: [String] = JournalEventSource.sshdMatches,
        entriesPerOpen: Int = JournalEventSource.entriesPerOpen
    ) throws {
        try self.init(
            reader: try JournalReader(source: source),
            stateFilePath: stateFilePath,
            startPosition: startPosition,
            matches: matches,
            entriesPerOpen: entriesPerOpen
        )
    }

    public var name: String { "journal" }

    public var position: LogSourcePosition? { self.cursor.map { .journal(cursor: $0) } }

    public func takeNotices() -> [LogSourceNotice] {
        defer { self.notices.removeAll() }
        return self.notices
    }

    public func readNewEvents(limit: Int, savingPosition: Bool) throws -> [SSHDLogEvent] {
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
            while events.count < limit, try self.reader.moveToNextEntry() {
                events.append(try self.currentEvent())
            }
        } catch {
            // The reader has moved past the entries read: hand them out rather than lose them. A lasting failure
            // shows again on the next call.
            guard !events.isEmpty else { throw error }
        }
        // Asked once a batch, not once an entry (formatting a cursor costs more than classifying a line): at the
        // end of the journal the reader stays on the last entry read. When libsystemd cannot name it (the file it
        // stood in was dropped as unreadable), the previous cursor stays: a restart before the next read would
        // read this batch again.
        let batchCursor = events.isEmpty ? nil : try? self.reader.cursor()
        if let batchCursor { self.cursor = batchCursor }
        self.hasPendingInput = events.count == limit
        if savingPosition { self.savePosition() }
        self.entriesSinceOpen += events.count
        if self.entriesSinceOpen >= self.entriesPerOpen, let batchCursor {
            // A failure keeps the open journal (and its mappings) for another round: reading goes on either way.
            self.entriesSinceOpen = 0
            if (try? self.reader.reopen(after: batchCursor)) != nil {
                // A line appended after this batch's last entry and before the new handle's inotify watches were
                // set up is announced by neither handle's descriptor: ask for one more read, from the new handle.
                self.hasPendingInput = true
            }
        }
        return events
    }

    public func savePosition() {
        guard let stateFilePath, let cursor, cursor != self.savedCursor else { return }
        do {
            try StateFile(path: stateFilePath).write(cursor + "\n")
            self.savedCursor = cursor
        } catch {
            self.notices.append(
                LogSourceNotice(kind: .stateNotSaved, message: "\(error): a restart would read these entries again")
            )
        }
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

    /// The event the entry the reader stands on stands for, read field by field (as ``event(from:)`` does from
    /// a whole entry) straight from the journal's mapping.
    private func currentEvent() throws -> SSHDLogEvent {
        var message: SSHDLogEvent?
        var program: String?
        var pid: String?
        var syslogPID: String?
        var host = self.lastHost
        var hasHost = false
        let text = { (bytes: UnsafeBufferPointer<UInt8>) in String(decoding: bytes, as: UTF8.self) }
        try self.reader.withFields(Self.eventFields) { index, value in
            switch index {
            case 0: message = SSHDMessageClassifier.classify(value)
            case 1: program = text(value)
            case 2: pid = text(value)
            case 3: syslogPID = text(value)
            default:
                hasHost = true
                // Every entry of a machine names the same host: keep one copy of it.
                if host.map({ !$0.utf8.elementsEqual(value) }) ?? true { host = text(value) }
            }
        }
        var event = message ?? SSHDMessageClassifier.classify(UnsafeBufferPointer(start: nil, count: 0))
        event.timestamp = LogTimestamp(unixMicroseconds: try self.reader.realtimeMicroseconds())
        event.program = program.flatMap(SSHDProgram.init(rawValue:))
        event.pid = (pid ?? syslogPID).flatMap { Int($0) }
        event.host = hasHost ? host : nil
        if hasHost { self.lastHost = host }
        return event
    }

    /// The fields ``currentEvent()`` reads, in the order of its `switch`.
    private static let eventFields = ["MESSAGE", "SYSLOG_IDENTIFIER", "_PID", "SYSLOG_PID", "_HOSTNAME"].map {
        Array($0.utf8)
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
            self.savedCursor = saved
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
