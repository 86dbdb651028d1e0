/// `key-permissions`: sshd refused keys under StrictModes ("Authentication refused: bad ownership or modes
/// for file|directory PATH") within the log window; one finding per path.
public struct KeyPermissionsCheck: HealthCheck {
    public static let id = CheckID.keyPermissions

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard snapshot.logEvents != nil else { return [self.finding(.unknown, "sshd's log could not be read")] }
        let refusals = snapshot.recentEvents(
            [.badModesFile, .badModesDirectory],
            within: snapshot.configuration.logWindow
        )
        var counts: [String: Int] = [:]
        for refusal in refusals { counts[refusal.path ?? "?", default: 0] += 1 }
        guard !counts.isEmpty else { return [self.finding(.ok, "no StrictModes refusals")] }
        return counts.keys.sorted().map { path in
            var fields = [FindingField.path: path]
            if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
            let times = counts[path] ?? 0
            return self.finding(
                .warning,
                "sshd refused keys \(times) time\(times == 1 ? "" : "s"): bad ownership or modes for \(path)",
                subject: path,
                fields: fields
            )
        }
    }
}
