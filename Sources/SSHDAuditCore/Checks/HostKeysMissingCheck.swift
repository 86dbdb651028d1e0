/// `hostkeys-missing`: configured host keys are missing (sshd exits when none is left: "no hostkeys
/// available"). An unreadable key is not reported as missing: the auditor may lack rights sshd has.
public struct HostKeysMissingCheck: HealthCheck {
    public static let id = CheckID.hostKeysMissing

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard snapshot.sshdInstalled else { return [self.finding(.ok, "not applicable: sshd is not installed")] }
        var fields: [String: String] = [:]
        if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
        let missing = snapshot.hostKeys.filter { $0.state == .missing }
        fields[FindingField.path] = missing.map(\.path).joined(separator: " ")
        if snapshot.lastLogEvent([.noHostKeys], within: snapshot.configuration.logWindow) != nil {
            return [self.finding(.critical, "sshd exited: no hostkeys available", fields: fields)]
        }
        guard !snapshot.hostKeys.isEmpty else {
            return [self.finding(.unknown, "the host keys were not checked")]
        }
        if missing.count == snapshot.hostKeys.count {
            return [self.finding(.critical, "no configured host key exists: sshd cannot start", fields: fields)]
        }
        if !missing.isEmpty {
            return [self.finding(.warning, "host key missing: \(fields[FindingField.path] ?? "")", fields: fields)]
        }
        return [self.finding(.ok, "\(snapshot.hostKeys.count) host keys present", fields: fields)]
    }
}
