/// `maxstartups-throttling`: unauthenticated connections reached MaxStartups' start value, so sshd refuses a
/// growing share of new ones at random. Read from the listener's title, the only gauge that does not
/// undercount (log lines are rate-limited or, before 8.4, absent).
public struct MaxStartupsThrottlingCheck: HealthCheck {
    public static let id = CheckID.maxStartupsThrottling

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard let gauge = snapshot.startups else {
            if !snapshot.sshdIsUp { return [self.finding(.ok, "sshd is not running")] }
            // Without the title (sshd before 8.2, or no access to /proc), the log's throttling lines still tell.
            let line = snapshot.lastLogEvent(
                [.maxStartupsBegin, .maxStartupsThrottling],
                within: snapshot.configuration.logWindow
            )
            if line != nil {
                return [
                    self.finding(
                        .warning,
                        "sshd logged MaxStartups throttling (listener title unavailable)",
                        fields: [
                            FindingField.startups: "unknown",
                            FindingField.maxStartups: snapshot.sshdConfig?.maxStartups.description ?? "unknown",
                        ]
                    )
                ]
            }
            return [self.finding(.unknown, "the sshd listener's MaxStartups gauge could not be read")]
        }
        let fields = snapshot.startupsFields(gauge)
        let figures = "\(gauge.active) of \(gauge.start)-\(gauge.full) startups"
        if gauge.isThrottling {
            return [self.finding(.warning, "MaxStartups throttling: \(figures)", fields: fields)]
        }
        return [self.finding(.ok, figures, fields: fields)]
    }
}
