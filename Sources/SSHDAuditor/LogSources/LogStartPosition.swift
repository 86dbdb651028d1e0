/// Where a log source starts reading when it has no saved position.
public enum LogStartPosition: Sendable, Hashable {
    /// After the last complete line or entry: only what is written from now on is read, so old history is not
    /// reported as new (the daemon's default).
    case end
    /// At the first line or entry: everything is read.
    case start
}
