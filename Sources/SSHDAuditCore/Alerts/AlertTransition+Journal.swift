extension AlertTransition {
    /// The `SYSLOG_IDENTIFIER=` of every alert entry.
    public static let syslogIdentifier = "sshd-auditor"

    /// The human line of the entry, e.g. `sshd-down raised (critical): ssh.service is failed/failed`.
    public var message: String {
        let finding = self.finding
        switch self.kind {
        case .raised:
            var line = "\(finding.check.rawValue) raised (\(finding.severity.rawValue)"
            if let previous = self.previousSeverity { line += ", was \(previous.rawValue)" }
            return line + "): \(finding.summary)"
        case .resolved:
            return "\(finding.check.rawValue) resolved: was \(finding.summary)"
        }
    }

    /// Every field of the journal entry for this transition, in a stable order: `MESSAGE`, `MESSAGE_ID`,
    /// `PRIORITY`, `SYSLOG_IDENTIFIER`, the `SSHD_AUDITOR_*` fields, then the finding's fields by name.
    /// The journal sink writes them as they are (the names already follow journald's rules).
    public var journalFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", self.message),
            ("MESSAGE_ID", self.messageID),
            ("PRIORITY", String(self.journalPriority)),
            ("SYSLOG_IDENTIFIER", Self.syslogIdentifier),
            (FindingField.check, self.finding.check.rawValue),
            (FindingField.state, self.kind == .resolved ? Severity.ok.rawValue : self.finding.severity.rawValue),
            (FindingField.transition, self.kind.rawValue),
        ]
        if !self.finding.subject.isEmpty { fields.append((FindingField.subject, self.finding.subject)) }
        if let previous = self.previousSeverity { fields.append((FindingField.previousState, previous.rawValue)) }
        if self.suppressedRaises > 0 { fields.append((FindingField.suppressedRaises, String(self.suppressedRaises))) }
        for name in self.finding.fields.keys.sorted() {
            fields.append((name, self.finding.fields[name] ?? ""))
        }
        return fields
    }
}
