import SSHDAuditCore

/// `sshd-auditor status` and `check` as text an administrator reads in five seconds: a first line in the
/// monitoring-plugins style (`SSH CRITICAL: ...`), then one line per check, worst first, then what could
/// not be read.
public enum StatusText {
    /// How many findings of one check are listed by default. A brute-force wave from two thousand addresses
    /// gives `auth-failure-burst` two thousand findings: listed whole, they would bury every other check.
    public static let defaultFindingLimit = 10

    /// Renders `document`; `origin` says where the figures come from (the daemon's last cycle, or a
    /// one-shot run), so nobody mistakes one for the other. Each check lists at most `findingLimit` findings,
    /// worst first, then says how many more there are; `nil` lists them all.
    public static func render(
        _ document: StatusDocument,
        origin: String,
        findingLimit: Int? = Self.defaultFindingLimit
    ) -> String {
        let severity = document.overallSeverity
        let problems = document.checks.filter { $0.severity != Severity.ok.rawValue }
        var out = "SSH \(severity.label)"
        if let worst = problems.first, let finding = worst.findings.first(where: { $0.severity == worst.severity }) {
            out += ": \(worst.id): \(finding.summary)"
            if problems.count > 1 { out += " (+\(problems.count - 1) more)" }
        } else {
            out += ": every check passed"
        }
        out += "\n\(origin); unit \(document.unit); log: \(document.logSource)\n\n"
        let idWidth = document.checks.map(\.id.count).max() ?? 10
        for check in document.checks {
            let label = (Severity(rawValue: check.severity) ?? .unknown).label
            let pad = String(repeating: " ", count: max(0, 9 - label.count))
            let idPad = String(repeating: " ", count: max(0, idWidth - check.id.count))
            let findings = check.findings.isEmpty ? [nil] : Self.worstFirst(check.findings).map(Optional.some)
            let shown = findingLimit.map { max(1, $0) } ?? findings.count
            let indent = String(repeating: " ", count: 9 + idWidth)
            for (index, finding) in findings.prefix(shown).enumerated() {
                let lead = index == 0 ? "\(label)\(pad)\(check.id)\(idPad)" : indent
                out += "\(lead)  \(finding?.summary ?? check.title)\n"
            }
            if findings.count > shown {
                out += "\(indent)  ... and \(findings.count - shown) more (--all lists every one)\n"
            }
        }
        if !document.problems.isEmpty {
            out += "\nnot read:\n"
            for problem in document.problems { out += "  \(problem)\n" }
        }
        let hinted = problems.compactMap { CheckID(rawValue: $0.id) }
        if !hinted.isEmpty {
            out += "\nwhat to do:\n"
            for id in hinted { out += "  \(id.rawValue): \(id.fixHint)\n" }
            out += "  (journalctl -x -t sshd-auditor shows the full explanation of each alert)\n"
        }
        return out
    }

    /// `findings` with the most severe first, in their own order otherwise (a check orders its findings, e.g.
    /// by address, and that order stays within one severity).
    private static func worstFirst(_ findings: [StatusDocument.Item]) -> [StatusDocument.Item] {
        let rank = { (item: StatusDocument.Item) in Severity(rawValue: item.severity) ?? .unknown }
        return findings.enumerated()
            .sorted { (rank($0.element), $1.offset) > (rank($1.element), $0.offset) }
            .map(\.element)
    }
}
