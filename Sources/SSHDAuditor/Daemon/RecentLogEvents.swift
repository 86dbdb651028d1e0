import Glibc
import SSHDAuditCore
import Systemd

/// sshd's log events of the last few minutes, for one-shot runs (`status` without a daemon, `check`), which
/// have no saved position to continue from: the journal from `now - window`, or the tail of the syslog file.
///
/// The daemon does not use this: it follows the log with an ``SSHDLogEventSource`` and never reads an
/// entry twice.
enum RecentLogEvents {
    /// The most a one-shot run reads of a syslog file, from its end: enough for minutes of a busy server,
    /// and a bound on the time and memory a diagnosis costs.
    static let fileTailBytes = 8 << 20
    /// The most journal entries a one-shot run reads.
    static let journalEntryLimit = 200_000

    /// Events logged in the `window` before `now`, and where they were read; `nil` events when the log
    /// could not be read.
    static func read(
        configuration: AuditorConfiguration,
        now: Duration,
        window: Duration
    ) -> (events: [TimedLogEvent]?, source: String, problem: String?) {
        switch LogSourceSelector.choose(mode: configuration.logSource, filePath: configuration.authLogPath) {
        case .journal:
            do {
                return (try self.fromJournal(now: now, window: window), "journal", nil)
            } catch {
                return (nil, "journal", "sshd's log (journal): \(error)")
            }
        case .file(let path, _):
            guard let events = self.fromFileTail(path: path, now: now, window: window) else {
                return (nil, "file \(path)", "sshd's log: cannot read \(path)")
            }
            return (events, "file \(path)", nil)
        }
    }

    private static func fromJournal(now: Duration, window: Duration) throws -> [TimedLogEvent] {
        let reader = try JournalReader(source: .system)
        try reader.setMatches(anyOf: JournalEventSource.sshdMatches)
        let since = max(now - window, .zero)
        try reader.seek(toRealtimeMicroseconds: UInt64(since.components.seconds) * 1_000_000)
        var events: [TimedLogEvent] = []
        while events.count < Self.journalEntryLimit, let entry = try reader.next() {
            let time = Duration.microseconds(Int64(entry.realtimeMicroseconds))
            events.append(TimedLogEvent(time: time, event: JournalEventSource.event(from: entry)))
        }
        return events
    }

    private static func fromFileTail(path: String, now: Duration, window: Duration) -> [TimedLogEvent]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let start = max(0, Int(info.st_size) - Self.fileTailBytes)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) - start)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(start + filled))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        // Starting mid-file: the first line is probably cut; drop it.
        if start > 0, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            bytes.removeSubrange(...newline)
        }
        let today = LocalDate.current()
        let parser = SSHDLogParser(classicYear: .latestNotAfter(year: today.year, month: today.month))
        let since = now - window
        var events: [TimedLogEvent] = []
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            for index in 0...buffer.count where index == buffer.count || buffer[index] == UInt8(ascii: "\n") {
                defer { lineStart = index + 1 }
                guard index > lineStart else { continue }
                let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<index])
                guard case .event(let event) = parser.parse(line: line) else { continue }
                let time = event.timestamp.flatMap(WallClock.instant(of:)) ?? now
                if time >= since { events.append(TimedLogEvent(time: time, event: event)) }
            }
        }
        return events
    }
}
