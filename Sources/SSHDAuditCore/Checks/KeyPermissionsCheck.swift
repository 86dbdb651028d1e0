/// `key-permissions`: sshd refused keys under StrictModes ("Authentication refused: bad ownership or modes
/// for file|directory PATH") within the log window; one finding per path, and one for the refusals of paths
/// beyond ``LogWindow/maximumPaths`` at once (only forged lines name that many).
public struct KeyPermissionsCheck: HealthCheck {
    public static let id = CheckID.keyPermissions

    /// The subject of the finding that counts the paths beyond ``LogWindow/maximumPaths``.
    static let otherPaths = "(other paths)"

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard let log = snapshot.logWindow else { return [self.finding(.unknown, "sshd's log could not be read")] }
        let refusals = log.strictModesRefusals(since: snapshot.time - snapshot.configuration.logWindow)
        var counts = refusals.byPath
        guard !counts.isEmpty || refusals.otherPaths > 0 else { return [self.finding(.ok, "no StrictModes refusals")] }
        var paths = counts.keys.sorted()
        if refusals.otherPaths > 0 {
            counts[Self.otherPaths] = refusals.otherPaths
            paths.append(Self.otherPaths)
        }
        return paths.map { path in
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
