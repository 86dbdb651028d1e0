/// `sshd-not-installed`: no sshd binary, and no ssh unit loaded.
public struct SSHDNotInstalledCheck: HealthCheck {
    public static let id = CheckID.sshdNotInstalled

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        let binary = snapshot.configuration.sshdBinary
        let unitLoaded = snapshot.service?.isLoaded ?? false
        var fields = [FindingField.binary: binary]
        if let service = snapshot.service { fields[FindingField.unit] = service.name }
        switch (snapshot.sshdInstalled, unitLoaded) {
        case (true, _):
            return [self.finding(.ok, "\(binary) is installed", fields: fields)]
        case (false, true):
            // The unit survived the package: it will fail on its next start.
            return [
                self.finding(
                    .critical,
                    "\(binary) is missing, but \(snapshot.service?.name ?? "the ssh unit") is loaded",
                    fields: fields
                )
            ]
        case (false, false):
            return [self.finding(.critical, "no sshd binary at \(binary) and no ssh service unit", fields: fields)]
        }
    }
}
