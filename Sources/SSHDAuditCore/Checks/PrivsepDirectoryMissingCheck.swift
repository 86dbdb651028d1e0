/// `privsep-dir-missing`: the privilege separation directory is gone. sshd refuses to start without it, and
/// a running sshd cannot accept connections (each connection re-executes sshd, which checks it).
///
/// On Debian the unit creates `/run/sshd` (RuntimeDirectory=sshd) and removes it when sshd stops, so a
/// missing directory while sshd is down is expected; sshd's own "Missing privilege separation directory"
/// line in the log window counts in any state.
public struct PrivsepDirectoryMissingCheck: HealthCheck {
    public static let id = CheckID.privsepDirectoryMissing

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard snapshot.sshdInstalled else { return [self.finding(.ok, "not applicable: sshd is not installed")] }
        var fields: [String: String] = [:]
        if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
        if let line = snapshot.lastLogEvent(
            [.missingPrivilegeSeparationDirectory],
            within: snapshot.configuration.logWindow
        ) {
            fields[FindingField.path] = line.path ?? snapshot.privsepDirectory?.path ?? ""
            return [
                self.finding(
                    .critical,
                    "sshd reported a missing privilege separation directory \(line.path ?? "")",
                    fields: fields
                )
            ]
        }
        guard let probe = snapshot.privsepDirectory else {
            return [self.finding(.unknown, "the privilege separation directory was not checked")]
        }
        fields[FindingField.path] = probe.path
        switch probe.state {
        case .present, .unreadable:
            return [self.finding(.ok, "\(probe.path) exists", fields: fields)]
        case .missing where snapshot.service?.isActive == true:
            return [
                self.finding(
                    .critical,
                    "\(probe.path) is missing while sshd runs: new connections fail",
                    fields: fields
                )
            ]
        case .missing:
            return [
                self.finding(
                    .ok,
                    "\(probe.path) is absent while sshd is stopped; its unit creates it at start",
                    fields: fields
                )
            ]
        }
    }
}
