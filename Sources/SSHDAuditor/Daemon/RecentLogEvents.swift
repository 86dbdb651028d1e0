import Glibc
import SSHDAuditCore
import Systemd

/// sshd's log events of the last few minutes, for one-shot runs (`status` without a daemon, `check`), which
/// have no saved position to continue from: the journal from the start of the longest window the checks use,
/// or the tail of the syslog file, recorded into a ``LogWindow`` as they are read (bounded whatever they hold).
///
/// The daemon does not use this: it follows the log with an ``SSHDLogEventSource`` and never reads an
/// entry twice.
enum RecentLogEvents {
    /// The most a one-shot run reads of a syslog file, from its end: enough for minutes of a busy server,
    /// and a bound on the time and memory a diagnosis costs.
    static let fileTailBytes = 8 << 20
    /// The most journal entries a one-shot run reads.
    static let journalEntryLimit = 200_000

    /// The window of the events logged up to `now` (as far back as `configuration`'s windows reach), and where
    /// they were read; a `nil` window when the log could not be read.
    static func read(
        configuration: AuditorConfiguration,
        now: Duration
    ) -> (window: LogWindow?, source: String, problem: String?) {
        var window = LogWindow(configuration: configuration)
        window.advance(to: now)
        switch LogSourceSelector.choose(mode: configuration.logSource, filePath: configuration.authLogPath) {
        case .journal:
            do {
                try self.fromJournal(into: &window, now: now)
                return (window, "journal", nil)
            } catch {
                return (nil, "journal", "sshd's log (journal): \(error)")
            }
        case .file(let path, _):
            guard self.fromFileTail(path: path, into: &window, now: now) else {
                return (nil, "file \(path)", "sshd's log: cannot read \(path)")
            }
            return (window, "file \(path)", nil)
        }
    }

    private static func fromJournal(into window: inout LogWindow, now: Duration) throws {
        let reader = try JournalReader(source: .system)
        try reader.setMatches(anyOf: JournalEventSource.sshdMatches)
        let since = max(now - window.longestWindow, .zero)
        try reader.seek(toRealtimeMicroseconds: UInt64(since.components.seconds) * 1_000_000)
        var count = 0
        while count < Self.journalEntryLimit, let entry = try reader.next() {
            let time = Duration.microseconds(Int64(entry.realtimeMicroseconds))
            window.record(JournalEventSource.event(from: entry), at: time)
            count += 1
        }
    }

    private static func fromFileTail(path: String, into window: inout LogWindow, now: Duration) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
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
        let since = now - window.longestWindow
        var stamps = LogStampResolver()
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            for index in 0...buffer.count where index == buffer.count || buffer[index] == UInt8(ascii: "\n") {
                defer { lineStart = index + 1 }
                guard index > lineStart else { continue }
                let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<index])
                guard case .event(let event) = parser.parse(line: line) else { continue }
                let time = event.timestamp.flatMap { stamps.instant(of: $0) } ?? now
                if time >= since { window.record(event, at: time) }
            }
        }
        return true
    }
}
