import SSHDAuditCore

/// Reads process titles from `<procRoot>/PID/cmdline`, and the `MaxStartups` gauge that the listening
/// sshd keeps in its title.
///
/// sshd retitles its listener on every change in the number of unauthenticated connections, so reading
/// the gauge is one small read, cheap enough for every audit cycle.
public struct ProcessTitleReader: Sendable {
    /// The directory that stands for `/proc`.
    public var procRoot: String

    /// - Parameter procRoot: The directory that stands for `/proc`; a fixture tree in tests.
    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    /// The title of process `pid`, as `ps -o args` shows it: the NUL-separated command line joined by
    /// spaces. Kernel threads have an empty title.
    ///
    /// - Throws: ``ProcAccessError`` when the process does not exist (any more) or cannot be read.
    public func title(pid: Int32) throws(ProcAccessError) -> String {
        ListenerTitleParser.title(commandLine: try self.commandLine(pid: pid))
    }

    /// The `MaxStartups` gauge in the title of process `pid`, normally sshd's main pid; `nil` when its
    /// title carries none (not a listening sshd, or an sshd older than 8.2).
    ///
    /// - Throws: ``ProcAccessError`` when the process does not exist (any more) or cannot be read.
    public func gauge(pid: Int32) throws(ProcAccessError) -> MaxStartupsGauge? {
        ListenerTitleParser.parse(commandLine: try self.commandLine(pid: pid))
    }

    private func commandLine(pid: Int32) throws(ProcAccessError) -> [UInt8] {
        let fileSystem = ProcFileSystem(root: self.procRoot)
        return try fileSystem.readFile(fileSystem.path(String(pid), "cmdline"))
    }
}
