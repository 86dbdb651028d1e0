/// `config-invalid`: `sshd -t` rejects the on-disk configuration, so the next restart (or reboot) fails,
/// although the running sshd still works. Raised before anything breaks.
public struct ConfigInvalidCheck: HealthCheck {
    public static let id = CheckID.configInvalid

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        let path = snapshot.configuration.sshdConfigPath
        guard snapshot.sshdInstalled else {
            return [self.finding(.ok, "not applicable: sshd is not installed")]
        }
        guard let test = snapshot.configTest else {
            return [self.finding(.unknown, "`sshd -t` could not be run", fields: [FindingField.configFile: path])]
        }
        var fields = [
            FindingField.configFile: path,
            FindingField.configTestStatus: String(test.exitStatus),
        ]
        if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
        if test.passed {
            return [self.finding(.ok, "`sshd -t` accepts \(path)", fields: fields)]
        }
        fields[FindingField.configErrors] = test.messages.joined(separator: "; ")
        let first = test.messages.first ?? "exit status \(test.exitStatus)"
        return [self.finding(.critical, "`sshd -t` rejects \(path): \(first)", fields: fields)]
    }
}
