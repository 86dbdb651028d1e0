import ArgumentParser
import SSHDAuditCore
import SSHDAuditor

/// Where the auditor's own configuration comes from; shared by `run`, `status` and `check`.
struct AuditorOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("The main configuration file.", valueName: "path")
    )
    var configFile: String = "/etc/sshd-auditor.conf"

    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp("Drop-ins read after it, *.conf in lexical order.", valueName: "dir")
    )
    var configDirectory: String = "/etc/sshd-auditor.conf.d"

    var loader: ConfigurationLoader {
        ConfigurationLoader(mainFile: self.configFile, dropInDirectory: self.configDirectory)
    }

    /// The configuration, or an error naming each bad file:line (exit status 3, UNKNOWN: the auditor cannot
    /// say anything about sshd with a configuration it does not understand).
    func load() throws -> AuditorConfiguration {
        let loaded: ConfigurationLoader.Loaded
        do {
            loaded = try self.loader.load()
        } catch {
            printError("sshd-auditor: \(error)")
            throw ExitCode(3)
        }
        for diagnostic in loaded.diagnostics { printError("\(diagnostic)") }
        if loaded.diagnostics.contains(where: { $0.severity == .error }) {
            printError("sshd-auditor: the configuration has errors (above); nothing was checked")
            throw ExitCode(3)
        }
        return loaded.configuration
    }
}

/// Writes one line to standard error.
func printError(_ line: String) {
    var stream = StandardErrorStream()
    print(line, to: &stream)
}

/// Standard error as a `TextOutputStream`.
struct StandardErrorStream: TextOutputStream {
    mutating func write(_ string: String) {
        SSHDConfigReport.writeToStandardError(string)
    }
}
