/// `config-not-applied`: sshd runs, but listens elsewhere than the on-disk configuration says: the file was
/// edited and sshd not restarted, so the next restart moves it.
public struct ConfigNotAppliedCheck: HealthCheck {
    public static let id = CheckID.configNotApplied

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        let path = snapshot.configuration.sshdConfigPath
        guard snapshot.sshdIsUp else {
            return [self.finding(.ok, "sshd is not running: nothing applied to compare")]
        }
        // An on-disk configuration sshd rejects cannot be applied at all, and what the auditor's lenient parser
        // made of it (a rejected line dropped, with what it held) is no prediction of a restart: config-invalid
        // speaks for it, rather than a diff against ports a restart would never reach.
        if let test = snapshot.configTest, !test.passed {
            return [
                self.finding(
                    .ok,
                    "not compared: `sshd -t` rejects \(path) (see config-invalid)",
                    fields: [FindingField.configFile: path]
                )
            ]
        }
        guard snapshot.sshdConfig != nil else {
            return [self.finding(.unknown, "\(path) could not be read", fields: [FindingField.configFile: path])]
        }
        guard let comparison = ListenerComparison(snapshot) else {
            return [self.finding(.unknown, "the listening sockets could not be read")]
        }
        var fields = comparison.fields
        fields[FindingField.configFile] = path
        if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
        // A configured endpoint held by another program is port-mismatch's business, not a pending edit.
        let foreign = Set(comparison.foreign.map(\.endpoint))
        let missing = comparison.missing.filter { !foreign.contains($0) }
        guard !missing.isEmpty || !comparison.extra.isEmpty else {
            return [
                self.finding(
                    .ok,
                    "sshd listens where \(path) says (\(fields[FindingField.configuredAddresses] ?? ""))",
                    fields: fields
                )
            ]
        }
        var parts: [String] = []
        if !missing.isEmpty {
            parts.append("configured but not listening: \(missing.map(\.description).joined(separator: " "))")
        }
        if !comparison.extra.isEmpty {
            parts.append(
                "listening but no longer configured: \(comparison.extra.map(\.description).joined(separator: " "))"
            )
        }
        return [
            self.finding(
                .warning,
                "\(path) differs from what sshd listens on; \(parts.joined(separator: "; ")); restart sshd to apply",
                fields: fields
            )
        ]
    }
}
