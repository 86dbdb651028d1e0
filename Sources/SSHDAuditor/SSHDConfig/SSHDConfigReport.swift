import Glibc
import SSHDAuditCore

/// What `sshd-auditor config` prints: the effective configuration as `sshd -T` prints it, or as JSON, and
/// the diagnostics in `file:line: severity: message` form for standard error.
public struct SSHDConfigReport: Sendable {
    /// The evaluation being reported.
    public var result: Parsed<SSHDEffectiveConfig>
    /// The config file it came from.
    public var path: String

    public init(path: String, result: Parsed<SSHDEffectiveConfig>) {
        self.path = path
        self.result = result
    }

    /// Whether sshd would accept the configuration (no `.error` diagnostics).
    public var isValid: Bool { !self.result.hasErrors }

    /// `keyword value` lines in `sshd -T` order.
    public var text: String { self.result.value.text }

    /// One diagnostic per line, for standard error.
    public var diagnosticsText: String { self.result.diagnostics.map { "\($0)\n" }.joined() }

    /// A JSON document: `file`, `valid`, `config` (ordered `keyword`/`value` pairs, repeated keywords kept)
    /// and `diagnostics`.
    public var json: String {
        let entries = self.result.value.entries.map {
            "{\"keyword\":\(Self.quote($0.keyword)),\"value\":\(Self.quote($0.value))}"
        }
        let diagnostics = self.result.diagnostics.map {
            "{\"file\":\(Self.quote($0.file ?? self.path)),\"line\":\($0.line),"
                + "\"severity\":\(Self.quote($0.severity.rawValue)),\"message\":\(Self.quote($0.message))}"
        }
        return "{\"file\":\(Self.quote(self.path)),\"valid\":\(self.isValid),"
            + "\"config\":[\(entries.joined(separator: ","))],"
            + "\"diagnostics\":[\(diagnostics.joined(separator: ","))]}\n"
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Writes `text` to standard error unbuffered, so it interleaves correctly with standard output.
    public static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
