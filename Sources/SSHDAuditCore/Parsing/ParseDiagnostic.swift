/// One thing a parser had to say about its input, tied to the line that caused it.
///
/// Parsers in this module never fail on bad input: they keep what they can and report the rest as
/// diagnostics, so an administrator sees every problem with its file and line in one pass.
public struct ParseDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How much a diagnostic matters.
    public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
        /// Worth knowing; nothing is wrong (for example a deprecated keyword sshd still accepts).
        case note
        /// Suspicious, but the input was still understood (for example an unknown keyword sshd ignores).
        case warning
        /// The consumer (sshd, the kernel's format, the auditor) would reject this input.
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    /// The file the line came from, when the input was a file (`nil` for in-memory text).
    public var file: String?
    /// The 1-based line number.
    public var line: Int
    /// How much it matters.
    public var severity: Severity
    /// What is wrong, in words an administrator understands.
    public var message: String

    public init(file: String? = nil, line: Int, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.severity = severity
        self.message = message
    }

    /// `file:line: severity: message`, the format compilers and editors understand.
    public var description: String {
        "\(self.file ?? "<input>"):\(self.line): \(self.severity.rawValue): \(self.message)"
    }
}
