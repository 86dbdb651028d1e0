import CSystemd
import Glibc
import SystemPackage

/// Reads journal entries: the local system journal or a journal directory, filtered by field matches, from the
/// start, the end, or just after a saved cursor, waiting for new entries with a timeout.
///
/// The reader owns one `sd_journal` handle, closed in `deinit` (or replaced by ``reopen(after:)``). libsystemd's
/// handle is not thread-safe, so the reader is not `Sendable`: keep it in one task or actor.
public final class JournalReader {
    /// Which journal files to open.
    public enum Source: Sendable, Hashable {
        /// The local system's journal (`sd_journal_open` with `SD_JOURNAL_SYSTEM`).
        case system
        /// Every journal file in one directory (`sd_journal_open_directory`).
        case directory(String)
        /// The journals of an operating system tree mounted or visible at this path: its `/var/log/journal`
        /// and `/run/log/journal` (`sd_journal_open_directory` with `SD_JOURNAL_OS_ROOT`). A container's
        /// `/proc/PID/root` works.
        case osRoot(String)
    }

    /// What ``wait(timeout:)`` or ``process()`` saw.
    public enum WaitResult: Sendable, Hashable {
        /// Nothing changed (before the timeout, for ``wait(timeout:)``).
        case timedOut
        /// Entries were appended.
        case appended
        /// Files were added, removed or rotated; entries may also be new.
        case invalidated
    }

    /// Which journal files this reader opened, to open them again in ``reopen(after:)``.
    public let source: Source
    private var journal: OpaquePointer
    /// The matches set by ``setMatches(anyOf:)``, kept so ``seekToTail()`` can lift them for a moment and
    /// ``reopen(after:)`` can set them on the new handle.
    private var matches: [String] = []
    /// Set by ``seek(after:)`` when the cursor's own entry is gone: the reader already stands on the first
    /// entry to return, so the next ``next()`` must not advance again.
    private var standsOnUnreadEntry = false
    /// Whether ``pollDescriptor()`` set up the inotify watches: ``reopen(after:)`` sets them up on the new
    /// handle at once.
    private var isWatched = false

    /// Opens the journal.
    ///
    /// The corresponding C functions are `sd_journal_open(3)` and `sd_journal_open_directory(3)`.
    public init(source: Source = .system) throws(SystemdError) {
        self.source = source
        self.journal = try Self.open(source)
    }

    deinit {
        sd_journal_close(self.journal)
    }

    /// A new `sd_journal` handle on `source`'s files.
    private static func open(_ source: Source) throws(SystemdError) -> OpaquePointer {
        var handle: OpaquePointer?
        switch source {
        case .system:
            try check("sd_journal_open") { sd_journal_open(&handle, CInt(SD_JOURNAL_SYSTEM)) }
        case .directory(let path):
            try check("sd_journal_open_directory") { sd_journal_open_directory(&handle, path, 0) }
        case .osRoot(let path):
            try check("sd_journal_open_directory") {
                sd_journal_open_directory(&handle, path, CInt(SD_JOURNAL_OS_ROOT))
            }
        }
        guard let handle else {
            throw SystemdError(operation: "sd_journal_open", errno: .noSuchFileOrDirectory)
        }
        return handle
    }

    /// Closes the journal and opens it again with the same matches, positioned just after the entry `cursor`
    /// names (as ``seek(after:)``), so reading continues with no entry lost or repeated. When opening or
    /// positioning fails, the reader keeps its old handle and position and the error is thrown.
    ///
    /// Why: sd-journal maps the journal files in 8 MiB windows and keeps them mapped while the handle is open,
    /// so every page it read stays in the process's resident set; reading a flood of entries makes that grow
    /// by the size of the journal written. Closing the handle unmaps them. The new handle has a new file
    /// descriptor (`sd_journal_get_fd(3)`) and `wait(timeout:)` watches the files afresh. When the old one was
    /// watched (``pollDescriptor()``), the new one's watches are set up before it reads anything, so a change
    /// after the reopening is announced on the new descriptor; a change between the old handle's last read and
    /// that moment is announced by neither, so read once more after a reopening.
    ///
    /// The corresponding C functions are `sd_journal_open(3)`, `sd_journal_get_fd(3)` and `sd_journal_close(3)`.
    public func reopen(after cursor: String) throws(SystemdError) {
        let old = (journal: self.journal, standsOnUnreadEntry: self.standsOnUnreadEntry)
        self.journal = try Self.open(self.source)
        do {
            if self.isWatched { try check("sd_journal_get_fd") { sd_journal_get_fd(self.journal) } }
            try self.setMatches(anyOf: self.matches)
            try self.seek(after: cursor)
        } catch {
            sd_journal_close(self.journal)
            self.journal = old.journal
            self.standsOnUnreadEntry = old.standsOnUnreadEntry
            throw error
        }
        sd_journal_close(old.journal)
    }

    // MARK: - Filtering

    /// Restricts reading to entries matching any one of `matches`, each `FIELD=value`
    /// (for example `SYSLOG_IDENTIFIER=sshd`, `_SYSTEMD_UNIT=ssh.service`). Replaces earlier matches.
    ///
    /// The corresponding C functions are `sd_journal_add_match(3)` and `sd_journal_add_disjunction(3)`.
    public func setMatches(anyOf matches: [String]) throws(SystemdError) {
        sd_journal_flush_matches(self.journal)
        self.matches = matches
        for (index, match) in matches.enumerated() {
            // A disjunction between every pair: matches on different fields would otherwise be ANDed.
            if index > 0 {
                try check("sd_journal_add_disjunction") { sd_journal_add_disjunction(self.journal) }
            }
            let bytes = Array(match.utf8)
            try check("sd_journal_add_match") {
                bytes.withUnsafeBytes { sd_journal_add_match(self.journal, $0.baseAddress, $0.count) }
            }
        }
    }

    // MARK: - Position

    /// Moves before the first entry.
    ///
    /// The corresponding C function is `sd_journal_seek_head(3)`.
    public func seekToHead() throws(SystemdError) {
        try check("sd_journal_seek_head") { sd_journal_seek_head(self.journal) }
        self.standsOnUnreadEntry = false
    }

    /// Moves after the last entry, so ``next()`` returns only entries written from now on, all of them,
    /// in order.
    ///
    /// `sd_journal_seek_tail` alone is not enough: until `sd_journal_previous` lands on an entry, the next
    /// `sd_journal_next` jumps to the newest matching entry, skipping any others written in the meantime,
    /// and with matches that select nothing yet there is no entry to land on. So the position is anchored on
    /// the newest entry of the whole journal, matches lifted for that moment, and reading resumes after it.
    ///
    /// The corresponding C functions are `sd_journal_seek_tail(3)`, `sd_journal_previous(3)` and
    /// `sd_journal_seek_cursor(3)`.
    public func seekToTail() throws(SystemdError) {
        let matches = self.matches
        sd_journal_flush_matches(self.journal)
        try check("sd_journal_seek_tail") { sd_journal_seek_tail(self.journal) }
        let moved = try check("sd_journal_previous") { sd_journal_previous(self.journal) }
        let anchor = moved > 0 ? try self.cursor() : nil
        try self.setMatches(anyOf: matches)
        if let anchor {
            try self.seek(after: anchor)
        } else {
            // An empty journal: everything in it from now on is new.
            try self.seekToHead()
        }
    }

    /// Moves after the last entry, to read the journal backwards with ``previous()``: the first call returns the
    /// newest matching entry. (To read forwards from the end, use ``seekToTail()``.)
    ///
    /// The corresponding C function is `sd_journal_seek_tail(3)`.
    public func seekToEnd() throws(SystemdError) {
        try check("sd_journal_seek_tail") { sd_journal_seek_tail(self.journal) }
        self.standsOnUnreadEntry = false
    }

    /// Moves to the first entry logged at or after `microseconds` since the Unix epoch (wall clock), so
    /// ``next()`` returns the entries of a recent window.
    ///
    /// The corresponding C function is `sd_journal_seek_realtime_usec(3)`.
    public func seek(toRealtimeMicroseconds microseconds: UInt64) throws(SystemdError) {
        try check("sd_journal_seek_realtime_usec") { sd_journal_seek_realtime_usec(self.journal, microseconds) }
        self.standsOnUnreadEntry = false
    }

    /// Moves just after the entry `cursor` names, so reading resumes without repeating it. When that entry
    /// is gone (rotated away), reading resumes at the first entry after where it was.
    ///
    /// The corresponding C functions are `sd_journal_seek_cursor(3)` and `sd_journal_test_cursor(3)`.
    public func seek(after cursor: String) throws(SystemdError) {
        try check("sd_journal_seek_cursor") { sd_journal_seek_cursor(self.journal, cursor) }
        let moved = try check("sd_journal_next") { sd_journal_next(self.journal) }
        guard moved > 0 else {
            self.standsOnUnreadEntry = false
            return
        }
        let same = try check("sd_journal_test_cursor") { sd_journal_test_cursor(self.journal, cursor) }
        self.standsOnUnreadEntry = same == 0
    }

    // MARK: - Reading

    /// The next matching entry, or `nil` at the end of the journal (call ``wait(timeout:)`` then try again).
    ///
    /// The corresponding C functions are `sd_journal_next(3)`, `sd_journal_enumerate_data(3)`,
    /// `sd_journal_get_realtime_usec(3)` and `sd_journal_get_cursor(3)`.
    public func next() throws(SystemdError) -> JournalEntry? {
        guard try self.moveToNextEntry() else { return nil }
        return try self.currentEntry()
    }

    /// The matching entry before the one the reader stands on (after ``seekToEnd()``: the newest), or `nil` at
    /// the start of the journal.
    ///
    /// The corresponding C functions are `sd_journal_previous(3)`, `sd_journal_enumerate_data(3)`,
    /// `sd_journal_get_realtime_usec(3)` and `sd_journal_get_cursor(3)`.
    public func previous() throws(SystemdError) -> JournalEntry? {
        self.standsOnUnreadEntry = false
        let moved = try check("sd_journal_previous") { sd_journal_previous(self.journal) }
        guard moved > 0 else { return nil }
        return try self.currentEntry()
    }

    /// Moves to the next matching entry without reading it; `false` at the end of the journal. Read what is
    /// needed of it with ``withFields(_:_:)``, ``realtimeMicroseconds()`` and ``cursor()``: cheaper than
    /// ``next()``, which copies every field of the entry and formats its cursor.
    ///
    /// At the end of the journal the reader stays on the last entry read, so ``cursor()`` names it.
    ///
    /// The corresponding C function is `sd_journal_next(3)`.
    public func moveToNextEntry() throws(SystemdError) -> Bool {
        if self.standsOnUnreadEntry {
            self.standsOnUnreadEntry = false
            return true
        }
        return try check("sd_journal_next") { sd_journal_next(self.journal) } > 0
    }

    /// Calls `body` once for each of `names` (field names as UTF-8 bytes, without `=`) the entry the reader stands
    /// on has, with its index in `names` and its value (the bytes after `NAME=`, the first value when a field
    /// occurs more than once). The bytes are valid only inside that call. One pass over the entry's fields,
    /// where `sd_journal_get_data(3)` would make one per name.
    ///
    /// The corresponding C functions are `sd_journal_restart_data(3)` and `sd_journal_enumerate_data(3)`.
    public func withFields(
        _ names: [[UInt8]],
        _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void
    ) throws(SystemdError) {
        precondition(names.count <= 64, "at most 64 field names")
        // Bit i set: names[i] was found (a bit set, not an array: this runs once per entry read).
        var found: UInt64 = 0
        let all: UInt64 = names.count == 64 ? .max : (1 << UInt64(names.count)) - 1
        sd_journal_restart_data(self.journal)
        while found != all {
            var data: UnsafeRawPointer?
            var length = 0
            let more = try check("sd_journal_enumerate_data") {
                sd_journal_enumerate_data(self.journal, &data, &length)
            }
            guard more > 0, let data else { break }
            let datum = UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: length)
            for index in names.indices where found & (1 << UInt64(index)) == 0 {
                let name = names[index]
                guard datum.count > name.count, datum[name.count] == UInt8(ascii: "="),
                    datum.prefix(name.count).elementsEqual(name)
                else { continue }
                found |= 1 << UInt64(index)
                body(index, UnsafeBufferPointer(rebasing: datum[(name.count + 1)...]))
                break
            }
        }
    }

    /// When the entry the reader stands on was written, in microseconds since the Unix epoch.
    ///
    /// The corresponding C function is `sd_journal_get_realtime_usec(3)`.
    public func realtimeMicroseconds() throws(SystemdError) -> UInt64 {
        var realtime: UInt64 = 0
        try check("sd_journal_get_realtime_usec") { sd_journal_get_realtime_usec(self.journal, &realtime) }
        return realtime
    }

    /// Whether the reader opened any journal file. Opening succeeds without one (no permission to read the
    /// journal, no journal yet): reading then returns nothing, which this tells apart from an empty match.
    ///
    /// The corresponding C function is `sd_journal_get_usage(3)`: the disk space of the files opened, zero
    /// when none was.
    public func hasFiles() throws(SystemdError) -> Bool {
        var bytes: UInt64 = 0
        try check("sd_journal_get_usage") { sd_journal_get_usage(self.journal, &bytes) }
        return bytes > 0
    }

    /// Waits up to `timeout` for the journal to change.
    ///
    /// The corresponding C function is `sd_journal_wait(3)`.
    public func wait(timeout: Duration) throws(SystemdError) -> WaitResult {
        let (seconds, attoseconds) = timeout.components
        let microseconds = UInt64(max(0, seconds)) * 1_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000_000)
        let result = try check("sd_journal_wait") { sd_journal_wait(self.journal, microseconds) }
        switch result {
        case CInt(SD_JOURNAL_APPEND): return .appended
        case CInt(SD_JOURNAL_INVALIDATE): return .invalidated
        default: return .timedOut
        }
    }

    // MARK: - Waiting in an event loop

    /// The descriptor to `poll(2)` for changes to the journal, as an alternative to ``wait(timeout:)`` that
    /// lets the caller wait on a thread of its choosing (``ReadinessWatcher``). Ready means: call
    /// ``process()``, then read. Owned by the reader: valid until it is deallocated.
    ///
    /// The first call sets up the inotify watches, so changes before it are not signalled: read once after it.
    ///
    /// The corresponding C function is `sd_journal_get_fd(3)`.
    public func pollDescriptor() throws(SystemdError) -> CInt {
        let descriptor = try check("sd_journal_get_fd") { sd_journal_get_fd(self.journal) }
        self.isWatched = true
        return descriptor
    }

    /// The `poll(2)` events to wait for on ``pollDescriptor()``.
    ///
    /// The corresponding C function is `sd_journal_get_events(3)`.
    public func pollEvents() throws(SystemdError) -> Int16 {
        Int16(truncatingIfNeeded: try check("sd_journal_get_events") { sd_journal_get_events(self.journal) })
    }

    /// The longest to wait on ``pollDescriptor()`` before calling ``process()`` anyway, `nil` for no limit. A
    /// journal on a file system that cannot report changes through inotify needs one; ask again after each
    /// ``process()``.
    ///
    /// The corresponding C function is `sd_journal_get_timeout(3)`.
    public func pollTimeout() throws(SystemdError) -> Duration? {
        var deadline: UInt64 = 0
        try check("sd_journal_get_timeout") { sd_journal_get_timeout(self.journal, &deadline) }
        return MonotonicTime.untilDeadline(microseconds: deadline)
    }

    /// Takes in the changes that made ``pollDescriptor()`` ready (new entries, files added, removed or
    /// rotated), so the next ``next()`` sees them and the descriptor blocks again. Cheap when nothing changed
    /// and before ``pollDescriptor()`` was ever called.
    ///
    /// The corresponding C function is `sd_journal_process(3)`.
    @discardableResult
    public func process() throws(SystemdError) -> WaitResult {
        let result = try check("sd_journal_process") { sd_journal_process(self.journal) }
        return switch result {
        case CInt(SD_JOURNAL_APPEND): .appended
        case CInt(SD_JOURNAL_INVALIDATE): .invalidated
        default: .timedOut
        }
    }

    /// Reads the entry the journal stands on.
    private func currentEntry() throws(SystemdError) -> JournalEntry {
        var fields: [String: [UInt8]] = [:]
        sd_journal_restart_data(self.journal)
        while true {
            var data: UnsafeRawPointer?
            var length = 0
            let more = try check("sd_journal_enumerate_data") {
                sd_journal_enumerate_data(self.journal, &data, &length)
            }
            guard more > 0, let data else { break }
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            // Each datum is "NAME=value"; the value may contain '=' and arbitrary bytes.
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: bytes[..<equals], as: UTF8.self)
            if fields[name] == nil { fields[name] = Array(bytes[(equals + 1)...]) }
        }
        return JournalEntry(
            fields: fields,
            realtimeMicroseconds: try self.realtimeMicroseconds(),
            cursor: try self.cursor()
        )
    }

    /// The cursor of the entry the reader stands on: pass it to ``seek(after:)`` to resume after it.
    ///
    /// The corresponding C function is `sd_journal_get_cursor(3)`.
    public func cursor() throws(SystemdError) -> String {
        var cursor: UnsafeMutablePointer<CChar>?
        try check("sd_journal_get_cursor") { sd_journal_get_cursor(self.journal, &cursor) }
        defer { free(cursor) }
        return cursor.map { String(cString: $0) } ?? ""
    }
}
