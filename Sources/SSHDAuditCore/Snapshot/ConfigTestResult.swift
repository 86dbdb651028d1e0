/// The outcome of `sshd -t` on the on-disk configuration: whether the next start of sshd would accept it.
public struct ConfigTestResult: Sendable, Hashable {
    /// The exit status (0: valid; sshd exits 255 on a bad configuration).
    public var exitStatus: Int32
    /// What it printed on standard error, one entry per line, empty lines dropped.
    public var messages: [String]

    public init(exitStatus: Int32, messages: [String] = []) {
        self.exitStatus = exitStatus
        self.messages = messages
    }

    /// Whether sshd accepts the configuration.
    public var passed: Bool { self.exitStatus == 0 }
}
