/// A change worth one journal entry: an alert was raised (new, or its severity changed) or resolved.
public struct AlertTransition: Sendable, Hashable {
    /// Which way it went.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The problem appeared, came back after the re-raise interval, or changed severity.
        case raised
        /// The problem is gone.
        case resolved
    }

    /// Which way it went.
    public var kind: Kind
    /// The finding: for `raised` the current one, for `resolved` the last one seen while it was raised (so the
    /// resolved entry still carries the figures, such as the ports or the startups count).
    public var finding: Finding
    /// For a severity change, the severity it had before; `nil` for a new alert and for `resolved`.
    public var previousSeverity: Severity?
    /// How many times the problem came back and went again while re-raising was held back (flapping).
    public var suppressedRaises: Int

    public init(kind: Kind, finding: Finding, previousSeverity: Severity? = nil, suppressedRaises: Int = 0) {
        self.kind = kind
        self.finding = finding
        self.previousSeverity = previousSeverity
        self.suppressedRaises = suppressedRaises
    }

    /// The alert's identity.
    public var key: AlertKey { self.finding.alertKey }

    /// The journal `MESSAGE_ID=` for this transition, from the check's catalog entries.
    public var messageID: String {
        switch self.kind {
        case .raised: self.finding.check.raisedMessageID
        case .resolved: self.finding.check.resolvedMessageID
        }
    }

    /// The journal `PRIORITY=`: the finding's severity when raised, informational when resolved.
    public var journalPriority: Int {
        switch self.kind {
        case .raised: self.finding.severity.journalPriority
        case .resolved: Severity.ok.journalPriority
        }
    }
}
