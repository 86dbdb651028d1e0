/// Where an ``SSHDLogEventSource`` stands: what its state file holds.
public enum LogSourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// A byte offset in one file, identified by device and inode (see ``LogFilePosition``).
    case file(LogFilePosition)
    /// Just after the journal entry with this cursor (`__CURSOR`).
    case journal(cursor: String)

    public var description: String {
        switch self {
        case .file(let position): "file \(position)"
        case .journal(let cursor): "journal after \(cursor)"
        }
    }
}
