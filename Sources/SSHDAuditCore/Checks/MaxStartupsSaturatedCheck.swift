/// `maxstartups-saturated`: unauthenticated connections reached MaxStartups' full value, or sshd logged
/// dropping connections past MaxStartups within the log window: every new connection is closed after
/// TCP connects.
public struct MaxStartupsSaturatedCheck: HealthCheck {
    public static let id = CheckID.maxStartupsSaturated

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        // Drops for MaxStartups only: PerSourcePenalties drops are a deliberate per-address policy.
        let dropped = snapshot.logWindow?.maxStartupsDrops(since: snapshot.time - snapshot.configuration.logWindow) ?? 0

        var fields: [String: String] = [FindingField.droppedConnections: String(dropped)]
        if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
        if let gauge = snapshot.startups {
            fields.merge(snapshot.startupsFields(gauge)) { $1 }
        } else {
            fields[FindingField.startups] = "unknown"
            fields[FindingField.maxStartups] = snapshot.sshdConfig?.maxStartups.description ?? "unknown"
        }

        if let gauge = snapshot.startups, gauge.isFull {
            return [
                self.finding(
                    .critical,
                    "MaxStartups full: \(gauge.active) of \(gauge.start)-\(gauge.full) startups; new connections are dropped",
                    fields: fields
                )
            ]
        }
        if dropped > 0 {
            let window = SystemdTimeSpan.format(snapshot.configuration.logWindow)
            return [
                self.finding(
                    .critical,
                    "sshd dropped \(dropped) connection\(dropped == 1 ? "" : "s") past MaxStartups in the last \(window)",
                    fields: fields
                )
            ]
        }
        if snapshot.startups == nil && snapshot.sshdIsUp && snapshot.logWindow == nil {
            return [self.finding(.unknown, "neither the listener's title nor sshd's log could be read")]
        }
        return [self.finding(.ok, "no connection dropped past MaxStartups", fields: fields)]
    }
}
