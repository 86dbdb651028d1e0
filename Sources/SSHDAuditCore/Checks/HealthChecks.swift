/// The registry of checks, and the evaluation of a snapshot into a ``HealthReport``.
public enum HealthChecks {
    /// Every check the daemon runs, in the order `status` prints them (the most basic causes first).
    ///
    /// `firewall-blocks-port` has an id and catalog entries but no check here: firewall rules are read by the
    /// one-shot `sshd-auditor check`, not by the daemon each cycle.
    public static let all: [any HealthCheck] = [
        SSHDNotInstalledCheck(),
        SSHDDownCheck(),
        SSHDRestartLoopCheck(),
        ConfigInvalidCheck(),
        ConfigNotAppliedCheck(),
        PortMismatchCheck(),
        PrivsepDirectoryMissingCheck(),
        HostKeysMissingCheck(),
        MaxStartupsThrottlingCheck(),
        MaxStartupsSaturatedCheck(),
        KeyPermissionsCheck(),
        AuthFailureBurstCheck(),
    ]

    /// Runs every check not disabled in the snapshot's configuration.
    public static func evaluate(_ snapshot: AuditSnapshot, checks: [any HealthCheck] = Self.all) -> HealthReport {
        let disabled = snapshot.configuration.disabledChecks
        var results: [CheckResult] = []
        for check in checks {
            let id = type(of: check).id
            guard !disabled.contains(id) else { continue }
            var findings = check.evaluate(snapshot)
            if findings.isEmpty {
                findings = [Finding(check: id, severity: .ok, summary: "no problem found")]
            }
            // Every alert names the ssh unit it is about, even when systemd could not be asked: the catalog
            // text refers to it, and journald would print a missing field's name instead of its value.
            let unit = snapshot.service?.name ?? snapshot.configuration.effectiveSSHUnits.first ?? "ssh.service"
            for index in findings.indices where findings[index].fields[FindingField.unit] == nil {
                findings[index].fields[FindingField.unit] = unit
            }
            results.append(CheckResult(check: id, findings: findings))
        }
        return HealthReport(results: results)
    }
}
