/// Something an ``SSHDLogEventSource`` noticed about its input that the operator may need to know: chiefly
/// anything that may have lost or skipped log lines.
public struct LogSourceNotice: Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// No saved position: reading starts at the end (or the start, when so configured).
        case startedWithoutState
        /// The saved position was unreadable or did not fit: reading restarts as on a first start.
        case stateReset
        /// The file was renamed away and a new one created; the old one was finished and the new one started.
        case rotated
        /// The file shrank or was replaced in place (copytruncate); reading restarted at its start.
        case truncated
        /// Lines written before a rotation were not read and cannot be: the rotated file is compressed or gone.
        case linesLost
        /// A line longer than the read buffer was skipped.
        case overlongLineSkipped
        /// The log file does not exist (yet).
        case fileMissing
        /// The position could not be saved: a restart would read some lines again.
        case stateNotSaved
    }

    /// What happened.
    public var kind: Kind
    /// A sentence for the operator, naming the file and, for lost lines, how much was lost.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(self.kind.rawValue): \(self.message)" }
}
