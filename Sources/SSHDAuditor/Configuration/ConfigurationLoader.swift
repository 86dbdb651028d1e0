import SSHDAuditCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads the auditor's configuration the way systemd reads `journald.conf`: the main file, then every
/// `*.conf` in the drop-in directory in lexical order of file name, each applied on top of the previous (a
/// later assignment wins, an empty value resets to the default).
///
/// A missing main file or drop-in directory is fine (the defaults apply); a file that exists but cannot be
/// read, or any error line in any file, fails the whole load, so a half-read configuration is never used.
public struct ConfigurationLoader: Sendable {
    /// What a successful load produced.
    public struct Loaded: Sendable, Hashable {
        /// The resulting configuration.
        public var configuration: AuditorConfiguration
        /// The files applied, in order.
        public var files: [String]
        /// Diagnostics below error level (there are none today; kept so warnings can be added safely).
        public var diagnostics: [ParseDiagnostic]
    }

    /// The main file, normally `/etc/sshd-auditor.conf`.
    public var mainFile: String
    /// The drop-in directory, normally `/etc/sshd-auditor.conf.d`.
    public var dropInDirectory: String

    public init(
        mainFile: String = "/etc/sshd-auditor.conf",
        dropInDirectory: String = "/etc/sshd-auditor.conf.d"
    ) {
        self.mainFile = mainFile
        self.dropInDirectory = dropInDirectory
    }

    /// The files a load reads now, in order: the main file if it exists, then the drop-ins.
    public func files() -> [String] {
        let fileManager = FileManager.default
        var files: [String] = []
        if fileManager.fileExists(atPath: self.mainFile) { files.append(self.mainFile) }
        let names = (try? fileManager.contentsOfDirectory(atPath: self.dropInDirectory)) ?? []
        // Lexical order of the bytes of the name, as systemd's conf_files_list sorts drop-ins.
        for name in names.filter({ $0.hasSuffix(".conf") && !$0.hasPrefix(".") }).sorted(by: {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }) {
            files.append(self.dropInDirectory + "/" + name)
        }
        return files
    }

    /// Loads the configuration, or throws with every bad line of every file.
    public func load() throws(ConfigurationError) -> Loaded {
        var configuration = AuditorConfiguration.default
        var diagnostics: [ParseDiagnostic] = []
        let files = self.files()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .unreadable(file: file, reason: "permission denied or not a regular file")
            }
            let parsed = AuditorConfiguration.parse(
                String(decoding: data, as: UTF8.self),
                file: file,
                base: configuration
            )
            configuration = parsed.value
            diagnostics += parsed.diagnostics
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw .invalid(diagnostics) }
        return Loaded(configuration: configuration, files: files, diagnostics: diagnostics)
    }
}
