/// Where an effective setting comes from: the file and line that set it.
///
/// Findings quote it so an administrator goes straight to the line to change, which matters when a
/// drop-in under sshd_config.d silently wins over the main file.
public struct SSHDConfigOrigin: Sendable, Hashable, CustomStringConvertible {
    /// The config file.
    public var file: String
    /// The 1-based line.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`.
    public var description: String { "\(self.file):\(self.line)" }
}
