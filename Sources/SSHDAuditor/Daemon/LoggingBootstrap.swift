import Glibc
import Logging
import Systemd

/// Chooses where the auditor's own log goes, once per process: the journal (structured, with priorities)
/// when standard error is connected to it, standard error otherwise.
public enum LoggingBootstrap {
    /// The identifier the auditor's journal entries carry (SYSLOG_IDENTIFIER).
    public static let identifier = "sshd-auditor"

    /// Bootstraps swift-log. systemd sets `JOURNAL_STREAM` to the device and inode of the stream it connected
    /// to stderr; only when stderr is still that stream do entries go to the journal directly.
    public static func bootstrap(level: Logger.Level) {
        let toJournal = Self.stderrIsJournal()
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                toJournal
                ? JournalLogHandler(label: label, identifier: Self.identifier)
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func stderrIsJournal() -> Bool {
        guard let value = getenv("JOURNAL_STREAM").map({ String(cString: $0) }) else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
