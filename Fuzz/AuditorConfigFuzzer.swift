import SSHDAuditCore

/// Fuzzes the auditor's own systemd-style configuration: ``SystemdINIParser`` and
/// ``AuditorConfiguration/parse(_:file:base:)``.
///
/// Invariants beyond "no crash": every assignment and diagnostic names an existing line, in order; keys and
/// values carry no surrounding blanks; and applying the text as two drop-ins, split before a section header,
/// gives the same configuration and diagnostics as applying it whole (systemd's drop-in semantics, on which
/// `/etc/sshd-auditor.conf.d/*.conf` relies).
@_cdecl("LLVMFuzzerTestOneInput")
public func auditorConfigFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let file = "/etc/sshd-auditor.conf"
    // The parser splits lines as Swift does (`Character.isNewline`), so count them the same way.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    let lineCount = text.isEmpty ? 0 : lines.count

    let ini = SystemdINIParser.parse(text, file: file)
    FuzzCheck.requireLines(of: ini.diagnostics, within: lineCount, file: file, "INI")
    FuzzCheck.requireOrdered(ini.diagnostics, "INI")
    for (previous, next) in zip(ini.value, ini.value.dropFirst()) {
        FuzzCheck.require(previous.line < next.line, "assignments out of order: \(previous) then \(next)")
    }
    for assignment in ini.value {
        FuzzCheck.require(
            assignment.line >= 1 && assignment.line <= lineCount,
            "assignment off the text: \(assignment)"
        )
        FuzzCheck.require(!assignment.key.isEmpty, "empty key: \(assignment)")
        for part in [assignment.key, assignment.value] {
            FuzzCheck.require(
                part.first != " " && part.first != "\t" && part.last != " " && part.last != "\t",
                "untrimmed key or value: \(assignment)"
            )
        }
    }

    let whole = AuditorConfiguration.parse(text, file: file)
    FuzzCheck.requireLines(of: whole.diagnostics, within: lineCount, file: file, "auditor config")

    // Split before the last section header (if any) and apply the two halves as two drop-ins.
    guard let splitLine = lines.lastIndex(where: { SystemdINIParser.isSectionHeader($0) }), splitLine > 0 else {
        return 0
    }
    let first = lines[..<splitLine].joined(separator: "\n")
    let second = lines[splitLine...].joined(separator: "\n")
    // A continuation still open at the end of the first half swallows the header in the whole text.
    if SystemdINIParser.endsInContinuation(lines[..<splitLine]) { return 0 }
    let head = AuditorConfiguration.parse(first, file: file)
    let tail = AuditorConfiguration.parse(second, file: file, base: head.value)
    FuzzCheck.require(
        tail.value == whole.value,
        "two drop-ins and one file give different configurations: \(whole.value) vs \(tail.value)"
    )
    let shifted = tail.diagnostics.map { diagnostic in
        var moved = diagnostic
        moved.line += splitLine
        return moved
    }
    FuzzCheck.require(
        head.diagnostics + shifted == whole.diagnostics,
        "two drop-ins and one file give different diagnostics: \(whole.diagnostics) vs \(head.diagnostics + shifted)"
    )
    return 0
}

extension SystemdINIParser {
    /// Whether `line` is a well-formed section header (`[Name]` between blanks), as the parser sees it; a
    /// malformed one leaves the previous section in force, so it is no place to split.
    static func isSectionHeader(_ line: Substring) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }
        return trimmed.count >= 2 && trimmed.last == "[" && trimmed.first == "]"
    }

    /// Whether a backslash continuation is still open after `lines` (comment lines inside a continuation
    /// neither end nor extend it, as in systemd).
    static func endsInContinuation(_ lines: ArraySlice<Substring>) -> Bool {
        var open = false
        for line in lines {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            if trimmed.first == "#" || trimmed.first == ";" { continue }
            if !open && trimmed.isEmpty { continue }
            open = trimmed.last == "\\"
        }
        return open
    }
}
