import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport

/// A private set of files for running the `sshd-auditor` binary outside systemd: its configuration file and
/// drop-in directory, the runtime and state directories the configuration points at, an empty auth.log as
/// its log source, all in one temporary directory that ``remove()`` deletes.
///
/// Every run sees the same sources whatever the host has: sshd's log is the workspace's auth.log
/// (`LogSource=file`), and the checks named in `enabled` are the only ones that run (`Disable=` lists the
/// others), so a test decides which results the document can hold.
struct AuditorWorkspace {
    /// The temporary directory holding everything.
    let directory: URL

    /// The main configuration file (`--config`).
    var mainFile: String { self.path("sshd-auditor.conf") }
    /// The drop-in directory (`--config-dir`).
    var dropInDirectory: String { self.path("sshd-auditor.conf.d") }
    /// `RuntimeDirectory=`, where the daemon writes status.json.
    var runtimeDirectory: String { self.path("run") }
    /// `StateDirectory=`.
    var stateDirectory: String { self.path("state") }
    /// `AuthLog=`: sshd's log as the auditor reads it.
    var authLog: String { self.path("auth.log") }
    /// The daemon's status file.
    var statusFile: String { self.runtimeDirectory + "/" + Auditor.statusFileName }

    /// `--config FILE --config-dir DIR`, for every subcommand that reads the configuration.
    var configurationArguments: [String] { ["--config", self.mainFile, "--config-dir", self.dropInDirectory] }

    /// Creates the directory and writes the main file.
    ///
    /// - Parameters:
    ///   - enabled: the checks that run; `nil` runs all of them.
    ///   - settings: more lines for the main file, each under its own `[Section]` header.
    init(enabled: Set<CheckID>? = nil, settings: [String] = []) throws {
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sshd-auditor-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: self.dropInDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: self.authLog, contents: Data())
        var lines = [
            "[Sources]",
            "LogSource=file",
            "AuthLog=\(self.authLog)",
            "",
            "[Daemon]",
            "RuntimeDirectory=\(self.runtimeDirectory)",
            "StateDirectory=\(self.stateDirectory)",
        ]
        if let enabled {
            let disabled = CheckID.allCases.filter { !enabled.contains($0) }.map(\.rawValue)
            lines += ["", "[Checks]", "Disable=\(disabled.joined(separator: " "))"]
        }
        try (lines + [""] + settings + [""]).joined(separator: "\n").write(
            toFile: self.mainFile,
            atomically: true,
            encoding: .utf8
        )
    }

    /// The absolute path of `name` inside the workspace.
    func path(_ name: String) -> String {
        self.directory.appendingPathComponent(name).path
    }

    /// Writes (or replaces, atomically) the drop-in `name` with `text`.
    func writeDropIn(_ name: String, _ text: String) throws {
        try text.write(toFile: self.dropInDirectory + "/" + name, atomically: true, encoding: .utf8)
    }

    /// Writes `text` to `name` in the workspace; returns its path.
    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let path = self.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The daemon's status file, decoded; `nil` while there is none (or it cannot be decoded).
    func statusDocument() -> StatusDocument? {
        guard let data = FileManager.default.contents(atPath: self.statusFile) else { return nil }
        return try? StatusDocument.decode(Array(data))
    }

    /// `sshd-auditor SUBCOMMAND` with this workspace's configuration and `arguments`, run through
    /// `commandPrefix` when one is given (such as `ip netns exec NAME`).
    func run(_ subcommand: String, _ arguments: [String] = [], commandPrefix: [String] = []) throws -> CommandResult {
        let command =
            commandPrefix + [TestEnvironment.auditorBinary, subcommand] + self.configurationArguments + arguments
        return try runCommand(
            command[0],
            Array(command.dropFirst()),
            environment: AuditorDaemon.environment(busSocket: self.path("no-bus")),
            timeout: .seconds(60)
        )
    }

    /// Deletes the workspace.
    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}
