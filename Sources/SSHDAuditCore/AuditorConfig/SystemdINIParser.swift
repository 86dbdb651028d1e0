/// Splits systemd-style configuration text (systemd.syntax(7)) into assignments.
///
/// The rules are systemd's: `[Section]` headers; `Key=value` with whitespace around key and value ignored;
/// lines starting with `#` or `;` are comments (also inside a continuation); a trailing backslash continues
/// the line, the backslash becoming a space. What the keys mean is the caller's business; this only reports
/// malformed lines (no `=`, an assignment before any section, an unterminated section header).
public enum SystemdINIParser {
    /// Parses `text`; `file` is used in diagnostics.
    public static func parse(_ text: String, file: String? = nil) -> Parsed<[INIAssignment]> {
        var assignments: [INIAssignment] = []
        var diagnostics: [ParseDiagnostic] = []
        var section: String?
        var pending: (text: String, line: Int)?

        func handle(_ logical: String, line: Int) {
            if logical.hasPrefix("[") {
                guard logical.hasSuffix("]"), logical.count >= 2 else {
                    diagnostics.append(
                        ParseDiagnostic(
                            file: file,
                            line: line,
                            severity: .error,
                            message: "bad section header: \(logical)"
                        )
                    )
                    return
                }
                section = String(logical.dropFirst().dropLast())
                return
            }
            guard let equals = logical.firstIndex(of: "=") else {
                diagnostics.append(
                    ParseDiagnostic(file: file, line: line, severity: .error, message: "missing '=': \(logical)")
                )
                return
            }
            let key = Self.trimmed(logical[..<equals])
            let value = Self.trimmed(logical[logical.index(after: equals)...])
            guard !key.isEmpty else {
                diagnostics.append(
                    ParseDiagnostic(file: file, line: line, severity: .error, message: "missing key before '='")
                )
                return
            }
            guard let section else {
                diagnostics.append(
                    ParseDiagnostic(
                        file: file,
                        line: line,
                        severity: .error,
                        message: "assignment outside of a section: \(key)"
                    )
                )
                return
            }
            assignments.append(INIAssignment(section: section, key: key, value: value, file: file, line: line))
        }

        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = Self.trimmed(rawLine)
            if line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if pending == nil && line.isEmpty { continue }
            if line.hasSuffix("\\") {
                let part = String(line.dropLast()) + " "
                if pending != nil { pending?.text += part } else { pending = (part, lineNumber) }
                continue
            }
            if let started = pending {
                pending = nil
                handle(Self.trimmed((started.text + line)[...]), line: started.line)
            } else {
                handle(line, line: lineNumber)
            }
        }
        if let started = pending {
            // A backslash on the last line continues into nothing: systemd takes what is there.
            handle(Self.trimmed(started.text[...]), line: started.line)
        }
        return Parsed(value: assignments, diagnostics: diagnostics)
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> String {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }

    static func trimmed(_ text: String) -> String { Self.trimmed(text[...]) }
}
