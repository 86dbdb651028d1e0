import Glibc
import SSHDAuditCore
import SystemPackage

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
        var files: [String] = []
        var info = stat()
        if stat(self.mainFile, &info) == 0 { files.append(self.mainFile) }
        let names = Self.directoryEntries(self.dropInDirectory)
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
            let bytes: [UInt8]
            do {
                bytes = try Self.contents(of: file)
            } catch {
                throw .unreadable(file: file, reason: String(describing: error))
            }
            let parsed = AuditorConfiguration.parse(
                String(decoding: bytes, as: UTF8.self),
                file: file,
                base: configuration
            )
            configuration = parsed.value
            diagnostics += parsed.diagnostics
        }
        if diagnostics.contains(where: { $0.severity == .error }) { throw .invalid(diagnostics) }
        return Loaded(configuration: configuration, files: files, diagnostics: diagnostics)
    }

    /// The names in `path` other than `.` and `..`; none when it does not exist or cannot be listed (no
    /// drop-ins, as systemd treats a missing `.conf.d`).
    private static func directoryEntries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The whole file; its `Errno` (such as `EACCES`, or `EISDIR` for a directory) when it cannot be read.
    private static func contents(of path: String) throws(Errno) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Errno(rawValue: Glibc.errno) }
        // Closing a descriptor opened read-only cannot lose data; there is nothing to report.
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw Errno(rawValue: Glibc.errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
