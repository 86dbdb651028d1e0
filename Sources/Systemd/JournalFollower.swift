/// Follows the journal: yields every matching entry from a starting point on, then each new one as journald
/// writes it, like `journalctl -f` with matches.
///
/// A ``JournalReader`` on a dedicated thread does the work, because `sd_journal_wait(3)` blocks and an
/// `sd_journal` handle must stay on one thread. Entries are delivered in journal order, none dropped: when the
/// consumer falls behind by ``bufferSize`` entries, the thread waits for it. The stream finishes after
/// ``stop()`` (also called by `deinit` and when the consumer goes away), and throws the ``SystemdError`` that
/// ended reading otherwise. Remember each entry's ``JournalEntry/cursor`` to resume after a restart with
/// ``Start/after(cursor:)``.
public final class JournalFollower: Sendable {
    /// Where following starts.
    public enum Start: Sendable, Hashable {
        /// From the oldest entry.
        case head
        /// With the first entry written after the follower started.
        case tail
        /// Just after the entry with this cursor (see ``JournalReader/seek(after:)``).
        case after(cursor: String)
    }

    /// The entries; throws the error that ended reading, finishes after ``stop()``.
    public let entries: AsyncThrowingStream<JournalEntry, any Error>

    /// How many entries may wait for the consumer before the reader thread pauses.
    public static let bufferSize = 256

    private let worker: WorkerThread

    /// Starts following.
    ///
    /// - Parameters:
    ///   - source: which journal to read (see ``JournalReader/Source``).
    ///   - matches: `FIELD=value` matches, any of which selects an entry (see
    ///     ``JournalReader/setMatches(anyOf:)``); empty for every entry.
    ///   - start: where to begin.
    /// - Throws: ``SystemdError`` when the thread cannot be created. Errors opening or reading the journal
    ///   arrive through ``entries``.
    public init(source: JournalReader.Source = .system, matches: [String], start: Start) throws(SystemdError) {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: JournalEntry.self,
            bufferingPolicy: .bufferingOldest(Self.bufferSize)
        )
        self.entries = stream
        self.worker = try WorkerThread.feeding(continuation) { stop in
            do throws(SystemdError) {
                try Self.follow(source: source, matches: matches, start: start, into: continuation, stop: stop)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    deinit {
        self.stop()
    }

    /// Stops following: waits for the thread to end (about ``WorkerThread`` poll interval at most), which
    /// closes the journal and finishes ``entries``. Idempotent.
    public func stop() {
        self.worker.stop()
    }

    /// The thread's loop: read what there is, then wait for more, until stopped.
    private static func follow(
        source: JournalReader.Source,
        matches: [String],
        start: Start,
        into continuation: AsyncThrowingStream<JournalEntry, any Error>.Continuation,
        stop: StopFlag
    ) throws(SystemdError) {
        let reader = try JournalReader(source: source)
        if !matches.isEmpty { try reader.setMatches(anyOf: matches) }
        switch start {
        case .head: try reader.seekToHead()
        case .tail: try reader.seekToTail()
        case .after(let cursor): try reader.seek(after: cursor)
        }
        while !stop.isSet {
            while !stop.isSet, let entry = try reader.next() {
                // A full buffer reports the entry as dropped: wait for the consumer and offer it again.
                while !stop.isSet, case .dropped = continuation.yield(entry) {
                    WorkerThread.sleep(.milliseconds(10), unless: stop)
                }
            }
            // Appended, invalidated or timed out: either way, read again (and look at the stop flag).
            _ = try reader.wait(timeout: WorkerThread.pollInterval)
        }
    }
}
