/// Whether a file or directory the checks care about is there and usable.
public struct PathProbe: Sendable, Hashable {
    /// What was found at the path.
    public enum State: String, Sendable, Hashable {
        /// Present and readable by the auditor (for a directory: present).
        case present
        /// Nothing at the path.
        case missing
        /// Present but not readable (for a host key: sshd, as root, may still read it; the auditor says so).
        case unreadable
    }

    /// The absolute path.
    public var path: String
    /// What was found.
    public var state: State

    public init(path: String, state: State) {
        self.path = path
        self.state = state
    }
}
