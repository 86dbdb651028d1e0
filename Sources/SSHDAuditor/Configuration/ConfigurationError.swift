import SSHDAuditCore

/// Why the auditor's configuration could not be loaded. The daemon keeps its previous configuration when a
/// reload fails with this, and reports it.
public enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file exists but cannot be read.
    case unreadable(file: String, reason: String)
    /// Files were read, but some lines are wrong (unknown section or key, bad value, malformed line).
    case invalid([ParseDiagnostic])

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read: \(reason)"
        case .invalid(let diagnostics):
            diagnostics.map(\.description).joined(separator: "\n")
        }
    }
}
