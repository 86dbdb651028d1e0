import Logging
import SSHDAuditCore
import Systemd

/// Loads the daemon's alert state at start and brings it up to date with the journal, so a daemon killed
/// between writing an alert's entry and saving its state neither writes that alert again nor loses it.
///
/// The state file holds the ``AlertState`` and its ``AlertJournalMark``: the number of the last alert entry the
/// state includes. The alert entries written under the mark's identity with a higher number (at most those of
/// the cycle the kill interrupted) are read from the journal, newest first, stopping at the first entry the
/// state includes, and applied to the state (``AlertState/replay(_:mark:)``). So the read is bounded by what was
/// written since the save, and exact: it compares numbers, not times, so a clock step changes nothing.
///
/// Without a saved mark (first start, state directory lost, a file written by an older version) a fresh
/// identity is chosen and saved at once, before any entry carries it. When the journal cannot be read (no
/// permission, no journal files) nothing is replayed, as before the mark existed, and the daemon's log says
/// so once; so it does when the journal no longer holds the last entry the state includes (a volatile journal
/// after a reboot, or rotated away).
enum AlertStateLoader {
    /// The most entries read back at start: twice the most one cycle can write. A cycle writes at most one entry
    /// per alert, and there are at most one alert per check plus one per source address and path the log window
    /// counts apart (a flood from thousands of addresses raises one auth-failure-burst each). So one interrupted
    /// cycle is always read whole, and the read stays bounded should the mark and the journal disagree badly.
    static let maximumReplayedEntries =
        2 * (CheckID.allCases.count + LogWindow.maximumSources + LogWindow.maximumPaths)

    /// Reads the state and its mark from `configuration`'s state directory, and replays onto them what the
    /// journal holds past the mark (when `journal` is given).
    static func load(
        configuration: AuditorConfiguration,
        journal: JournalReader.Source?,
        logger: Logger
    ) -> (state: AlertState, mark: AlertJournalMark) {
        let path = Self.path(configuration)
        var (state, mark) = Self.read(path: path, configuration: configuration, logger: logger)
        guard var mark else {
            var generator = SystemRandomNumberGenerator()
            let fresh = AlertJournalMark.fresh(using: &generator)
            // Saved before any entry carries the new identity: a kill before the first regular save still leaves
            // a state file whose mark the next start can match the entries against.
            Self.save(state, mark: fresh, path: path, logger: logger)
            return (state, fresh)
        }
        if let journal, Self.replay(onto: &state, mark: &mark, from: journal, logger: logger) {
            // Saved at once, so the file says what the journal says even before the next transition.
            Self.save(state, mark: mark, path: path, logger: logger)
        }
        return (state, mark)
    }

    /// Replaces the state file (atomically; see ``StateFile/write(_:)``) with its contents: the state, then the
    /// mark's line.
    static func save(_ state: AlertState, mark: AlertJournalMark, path: String, logger: Logger) {
        do {
            // Streamed: under a flood the state holds thousands of records, rewritten at every transition.
            try StateFile(path: path).write { output in
                try state.serialize(to: output)
                var line = mark.line
                try line.withUTF8 { try output(UnsafeRawBufferPointer($0)) }
            }
        } catch {
            logger.error("cannot save alert state", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Where the state file is.
    static func path(_ configuration: AuditorConfiguration) -> String {
        configuration.stateDirectory + "/" + Auditor.alertStateFileName
    }

    // MARK: - Reading

    /// The saved state and mark; an empty state without a mark when there is no file or it cannot be read.
    private static func read(
        path: String,
        configuration: AuditorConfiguration,
        logger: Logger
    ) -> (AlertState, AlertJournalMark?) {
        let empty = AlertState(reraiseInterval: configuration.reraiseInterval)
        let bytes: [UInt8]?
        do {
            bytes = try StateFile(path: path).read()
        } catch {
            logger.warning(
                "cannot read alert state; starting empty",
                metadata: ["path": "\(path)", "error": "\(error)"]
            )
            return (empty, nil)
        }
        guard let bytes else { return (empty, nil) }
        let (mark, rest) = AlertJournalMark.split(stateFile: String(decoding: bytes, as: UTF8.self))
        let parsed = AlertState.parse(rest, reraiseInterval: configuration.reraiseInterval, file: path)
        for diagnostic in parsed.diagnostics {
            logger.warning("\(diagnostic)")
        }
        // A file of another format parses as empty: its mark, if any, no longer describes the state.
        return (parsed.value, parsed.hasErrors && parsed.value.records.isEmpty ? nil : mark)
    }

    /// Applies the alert entries past `mark` in `source` to `state`; whether there were any.
    private static func replay(
        onto state: inout AlertState,
        mark: inout AlertJournalMark,
        from source: JournalReader.Source,
        logger: Logger
    ) -> Bool {
        let found: (entries: [JournaledAlert], reachedMark: Bool, read: Int)
        let started = ContinuousClock.now
        do {
            found = try Self.entries(after: mark, in: source)
        } catch {
            logger.warning(
                """
                cannot read the journal to check for alert entries written after the alert state was saved; \
                an alert written just before the daemon was killed may be written again
                """,
                metadata: ["error": "\(error)"]
            )
            return false
        }
        logger.debug(
            "read back the alert entries written after the saved state",
            metadata: [
                "alerts.generation": "\(mark.generation)",
                "journal.entries.read": "\(found.read)",
                "duration": "\(ContinuousClock.now - started)",
            ]
        )
        let before = mark.generation
        let applied = state.replay(found.entries, mark: &mark)
        if !found.reachedMark && before > 0 {
            logger.notice(
                """
                the journal no longer holds the last alert entry the saved state includes (volatile journal after \
                a reboot, or rotated away); continuing from the saved state
                """,
                metadata: ["alerts.generation": "\(before)"]
            )
        }
        if !applied.isEmpty {
            // Each alert's last transition, not every entry: a long outage of the state file could mean thousands.
            var last: [AlertKey: AlertTransition.Kind] = [:]
            for entry in applied { last[entry.transition.key] = entry.transition.kind }
            logger.notice(
                "alert entries written after the alert state was saved are applied to it",
                metadata: [
                    "alerts.replayed": "\(applied.count)",
                    "alerts.now": "\(last.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })",
                    "alerts.generation": "\(before)..\(mark.generation)",
                ]
            )
        }
        return !applied.isEmpty
    }

    /// The alert entries under `mark`'s identity numbered after it, read newest first up to the first one the
    /// mark includes (bounded by ``maximumReplayedEntries``), whether that one was found, and how many entries
    /// were read in all.
    ///
    /// Throws when the journal cannot be opened or read, or holds no file this process may read: then the
    /// absence of entries would mean nothing.
    static func entries(
        after mark: AlertJournalMark,
        in source: JournalReader.Source
    ) throws -> (entries: [JournaledAlert], reachedMark: Bool, read: Int) {
        let reader = try JournalReader(source: source)
        guard try reader.hasFiles() else {
            throw NoReadableJournal()
        }
        try reader.setMatches(anyOf: [mark.journalMatch])
        try reader.seekToEnd()
        var entries: [JournaledAlert] = []
        for read in 0..<Self.maximumReplayedEntries {
            guard let entry = try reader.previous() else { return (entries, false, read) }
            var fields: [String: String] = [:]
            for (name, value) in entry.fields where !name.hasPrefix("_") {
                fields[name] = String(decoding: value, as: UTF8.self)
            }
            // The number alone decides where to stop, whether or not the rest of the entry reads as an alert.
            if let generation = fields[FindingField.stateGeneration].flatMap({ UInt64($0) }),
                generation <= mark.generation
            {
                return (entries, true, read + 1)
            }
            if let alert = JournaledAlert(fields: fields, realtimeMicroseconds: entry.realtimeMicroseconds) {
                entries.append(alert)
            }
        }
        return (entries, false, Self.maximumReplayedEntries)
    }

    /// The journal opened but held no file this process may read: no entry found would mean nothing.
    struct NoReadableJournal: Error, CustomStringConvertible {
        var description: String { "no journal file is readable by this process" }
    }
}
