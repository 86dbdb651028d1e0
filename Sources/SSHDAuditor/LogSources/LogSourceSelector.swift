import SSHDAuditCore
import SystemPackage

/// Decides where sshd's log lines are: the journal or a syslog file.
///
/// Debian 12 and later have no rsyslog and so no `/var/log/auth.log` by default: sshd's lines are only in the
/// journal. Where rsyslog runs, both hold them, and the file is read because that is the operator's record
/// (and what fail2ban reads). A file that exists but holds no sshd line (rsyslog configured elsewhere, or a
/// stale file) does not count.
public enum LogSourceSelector {
    /// Where to read, and why.
    public enum Choice: Sendable, Hashable {
        /// Read the journal.
        case journal(reason: String)
        /// Read this file.
        case file(path: String, reason: String)
    }

    /// The source for `mode`: `auto` looks for sshd's lines in the last `probeBytes` bytes of `filePath` and,
    /// when the file was just rotated, of `filePath.1`.
    public static func choose(mode: LogSource, filePath: String, probeBytes: Int = 1 << 20) -> Choice {
        switch mode {
        case .journal:
            return .journal(reason: "LogSource=journal")
        case .file:
            return .file(path: filePath, reason: "LogSource=file")
        case .automatic:
            for candidate in [filePath, filePath + ".1"] {
                switch self.probe(candidate, bytes: probeBytes) {
                case .hasSSHDLines:
                    return .file(path: filePath, reason: "sshd's lines are in \(candidate)")
                case .missing where candidate == filePath:
                    return .journal(reason: "\(filePath) does not exist")
                case .missing, .noSSHDLines:
                    continue
                }
            }
            return .journal(reason: "\(filePath) holds no sshd lines")
        }
    }

    /// Builds the source `choice` names, persisting its position under `stateDirectory`
    /// (`auth-log.position` or `journal.cursor`).
    public static func makeSource(
        for choice: Choice,
        stateDirectory: String?,
        journal: JournalSourceOptions = JournalSourceOptions(),
        classicYear: SSHDLogParser.ClassicYear
    ) throws -> any SSHDLogEventSource {
        switch choice {
        case .journal:
            return try JournalEventSource(
                source: journal.source,
                stateFilePath: stateDirectory.map { FilePath($0).appending("journal.cursor").string }
            )
        case .file(let path, _):
            return AuthLogFollower(
                path: path,
                stateFilePath: stateDirectory.map { FilePath($0).appending("auth-log.position").string },
                classicYear: classicYear
            )
        }
    }

    private enum Probe {
        case missing
        case noSSHDLines
        case hasSSHDLines
    }

    /// Whether the last `bytes` bytes of `path` hold a line from sshd, sshd-session or sshd-auth.
    private static func probe(_ path: String, bytes: Int) -> Probe {
        guard let descriptor = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) else {
            return .missing
        }
        defer { try? descriptor.close() }
        guard let size = try? descriptor.seek(offset: 0, from: .end) else { return .noSSHDLines }
        let start = max(0, size - Int64(bytes))
        var buffer = [UInt8](repeating: 0, count: Int(size - start))
        let count =
            (try? buffer.withUnsafeMutableBytes { try descriptor.read(fromAbsoluteOffset: start, into: $0) }) ?? 0
        let parser = SSHDLogParser(framing: .syslog, year: nil)
        var found = false
        var splitter = LineSplitter()
        buffer.withUnsafeBufferPointer { all in
            splitter.split(UnsafeBufferPointer(rebasing: all[0..<count])) { line in
                if !found, case .event = parser.parse(line: line) { found = true }
            }
        }
        return found ? .hasSSHDLines : .noSSHDLines
    }
}
