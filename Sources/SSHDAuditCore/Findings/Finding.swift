/// One thing a check found: its verdict, in words for a human and in fields for machines.
///
/// A check returns at least one finding; an `ok` finding says why all is well ("ssh.service active
/// (running)"), so `status` can explain healthy checks too. Several findings of one check are told apart by
/// ``subject`` (e.g. one auth-failure-burst per source address), which is also part of the alert's identity.
public struct Finding: Sendable, Hashable {
    /// The check that produced it.
    public var check: CheckID
    /// How bad it is.
    public var severity: Severity
    /// One line for a human, e.g. `ssh.service is failed (exit-code)`.
    public var summary: String
    /// Distinguishes several findings of the same check (an address, a path); empty when the check has one.
    public var subject: String
    /// Structured facts, keyed by journal field names (see ``FindingField``).
    public var fields: [String: String]

    public init(
        check: CheckID,
        severity: Severity,
        summary: String,
        subject: String = "",
        fields: [String: String] = [:]
    ) {
        self.check = check
        self.severity = severity
        self.summary = summary
        self.subject = subject
        self.fields = fields
    }

    /// The identity of the alert this finding raises: its check and subject.
    public var alertKey: AlertKey { AlertKey(check: self.check, subject: self.subject) }
}
