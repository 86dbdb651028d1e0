/// What evaluating an sshd_config needs from the system, injected so the evaluator stays pure.
///
/// `SSHDAuditor` supplies the real one (glob(3), files, the group database, getaddrinfo); tests supply
/// fixtures.
public protocol SSHDConfigEnvironment: Sendable {
    /// The paths matching a glob pattern, sorted as glob(3) sorts them; empty when nothing matches
    /// (sshd silently skips such an `Include`). Throws when the expansion itself fails.
    func expandGlob(_ pattern: String) throws -> [String]

    /// The bytes of the file at `path`.
    func readFile(atPath path: String) throws -> [UInt8]

    /// The names of every group `user` belongs to (primary and supplementary), or `nil` when there is no
    /// such user; `Match Group` uses it.
    func groupNames(ofUser user: String) -> [String]?

    /// The addresses a `ListenAddress` host name resolves to, in getaddrinfo order, or `nil` when it does
    /// not resolve.
    func resolve(hostName: String, family: SSHDAddressFamily) -> [SSHDConfigAddress]?
}

/// The `AddressFamily` setting.
public enum SSHDAddressFamily: String, Sendable, Hashable, CaseIterable {
    /// IPv4 and IPv6 (`any`, the default).
    case any
    /// IPv4 only.
    case inet
    /// IPv6 only.
    case inet6
}

/// An environment backed by in-memory files, for tests and for evaluating a config copied off a machine.
///
/// Globs match whole paths with sshd's `*`/`?` rules, except that `*` does not cross a `/`, as in glob(3).
public struct InMemorySSHDConfigEnvironment: SSHDConfigEnvironment {
    /// File contents by absolute path.
    public var files: [String: [UInt8]]
    /// Group names by user name.
    public var groups: [String: [String]]
    /// Host name resolutions.
    public var hosts: [String: [SSHDConfigAddress]]

    public init(
        files: [String: String] = [:],
        groups: [String: [String]] = [:],
        hosts: [String: [SSHDConfigAddress]] = [:]
    ) {
        self.files = files.mapValues { Array($0.utf8) }
        self.groups = groups
        self.hosts = hosts
    }

    /// Thrown when a file is not in `files`.
    public struct FileNotFound: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var description: String { "\(self.path): No such file or directory" }
    }

    public func expandGlob(_ pattern: String) throws -> [String] {
        let patternParts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        return self.files.keys.filter { path in
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == patternParts.count
                && zip(parts, patternParts).allSatisfy { SSHDPattern.matches($0, pattern: $1) }
        }.sorted()
    }

    public func readFile(atPath path: String) throws -> [UInt8] {
        guard let bytes = self.files[path] else { throw FileNotFound(path: path) }
        return bytes
    }

    public func groupNames(ofUser user: String) -> [String]? { self.groups[user] }

    public func resolve(hostName: String, family: SSHDAddressFamily) -> [SSHDConfigAddress]? {
        self.hosts[hostName]?.filter {
            switch family {
            case .any: true
            case .inet: $0.family == .inet
            case .inet6: $0.family == .inet6
            }
        }
    }
}
