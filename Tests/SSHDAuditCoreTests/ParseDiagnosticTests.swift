import SSHDAuditCore
import Testing

@Suite("ParseDiagnostic")
struct ParseDiagnosticTests {
    @Test("prints file:line: severity: message")
    func description() {
        let diagnostic = ParseDiagnostic(file: "/etc/ssh/sshd_config", line: 12, severity: .error, message: "bad value")
        #expect(diagnostic.description == "/etc/ssh/sshd_config:12: error: bad value")
        #expect(ParseDiagnostic(line: 3, severity: .note, message: "x").description == "<input>:3: note: x")
    }

    @Test("orders severities note < warning < error")
    func ordering() {
        #expect(ParseDiagnostic.Severity.note < .warning)
        #expect(ParseDiagnostic.Severity.warning < .error)
        #expect(ParseDiagnostic.Severity.allCases.max() == .error)
    }

    @Test("a Parsed value has errors only when an error diagnostic is present")
    func hasErrors() {
        #expect(!Parsed(value: 1, diagnostics: [ParseDiagnostic(line: 1, severity: .warning, message: "w")]).hasErrors)
        #expect(Parsed(value: 1, diagnostics: [ParseDiagnostic(line: 1, severity: .error, message: "e")]).hasErrors)
    }
}
