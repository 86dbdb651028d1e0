import SSHDAuditCore

/// `sshd-auditor status` and `check` as text an administrator reads in five seconds: a first line in the
/// monitoring-plugins style (`SSH CRITICAL: ...`), then one line per check, worst first, then what could
/// not be read.
public enum StatusText {
    /// Renders `document`; `origin` says where the figures come from (the daemon's last cycle, or a
    /// one-shot run), so nobody mistakes one for the other.
    public static func render(_ document: StatusDocument, origin: String) -> String {
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
            let findings = check.findings.isEmpty ? [nil] : check.findings.map(Optional.some)
            for (index, finding) in findings.enumerated() {
                let lead = index == 0 ? "\(label)\(pad)\(check.id)\(idPad)" : String(repeating: " ", count: 9 + idWidth)
                out += "\(lead)  \(finding?.summary ?? check.title)\n"
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
}
