/// One of the daemon's alert entries read back from the journal: the transition it announced, the saved state
/// it was written under (``AlertJournalMark``), and when it was written.
///
/// The inverse of ``AlertTransition/journalFields`` plus ``AlertJournalMark/advance()``, with one loss: a
/// `resolved` entry says `SSHD_AUDITOR_STATE=ok`, not the severity the alert had, so its finding reads `ok`.
public struct JournaledAlert: Sendable, Hashable {
    /// The transition the entry announced.
    public var transition: AlertTransition
    /// `SSHD_AUDITOR_STATE_ID`.
    public var stateID: String
    /// `SSHD_AUDITOR_STATE_GENERATION`.
    public var generation: UInt64
    /// When the entry was written (`__REALTIME_TIMESTAMP`), on the clock the state machine is fed with.
    public var time: Duration

    public init(transition: AlertTransition, stateID: String, generation: UInt64, time: Duration) {
        self.transition = transition
        self.stateID = stateID
        self.generation = generation
        self.time = time
    }

    /// Reads an entry's fields (journald's own, `_` and `__` prefixed, may be among them and are ignored);
    /// `nil` when it is not an alert entry written under a state identity, or does not read as one.
    ///
    /// The finding's summary is taken from `MESSAGE`, whose prefix follows from the other fields; an entry
    /// whose `MESSAGE` does not start that way is refused rather than guessed at.
    public init?(fields: [String: String], realtimeMicroseconds: UInt64) {
        guard let stateID = fields[FindingField.stateID], AlertJournalMark.isStateID(Substring(stateID)),
            let generationText = fields[FindingField.stateGeneration],
            let generation = UInt64(generationText),
            let checkName = fields[FindingField.check], let check = CheckID(rawValue: checkName),
            let kindName = fields[FindingField.transition], let kind = AlertTransition.Kind(rawValue: kindName),
            let stateName = fields[FindingField.state], let severity = Severity(rawValue: stateName),
            let message = fields["MESSAGE"]
        else { return nil }
        var previous: Severity?
        if let name = fields[FindingField.previousState] {
            guard let severity = Severity(rawValue: name) else { return nil }
            previous = severity
        }
        var suppressed = 0
        if let text = fields[FindingField.suppressedRaises] {
            guard let count = Int(text) else { return nil }
            suppressed = count
        }
        var finding = Finding(
            check: check,
            severity: severity,
            summary: "",
            subject: fields[FindingField.subject] ?? "",
            fields: fields.filter { Self.isFindingField($0.key) }
        )
        var transition = AlertTransition(
            kind: kind,
            finding: finding,
            previousSeverity: previous,
            suppressedRaises: suppressed
        )
        // The message of this transition with an empty summary is exactly the prefix the real one starts with.
        let prefix = transition.message
        guard message.hasPrefix(prefix) else { return nil }
        finding.summary = String(message.dropFirst(prefix.count))
        transition.finding = finding
        self.init(
            transition: transition,
            stateID: stateID,
            generation: generation,
            time: .microseconds(Int64(clamping: realtimeMicroseconds))
        )
    }

    /// Whether a field of an alert entry is one of the finding's facts: not journald's (`_` prefix), not one
    /// every entry has, not the auditor's own (`SSHD_AUDITOR_`).
    static func isFindingField(_ name: String) -> Bool {
        !name.hasPrefix("_") && !name.hasPrefix("SSHD_AUDITOR_")
            && !["MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER"].contains(name)
    }
}
