/// `sshd-restart-loop`: systemd keeps restarting sshd, or gave up (`start-limit-hit`).
///
/// `NRestarts` counts automatic restarts since the unit was last started by hand, so it stays high after a
/// loop ends: the check alerts only while the unit is not settled in `active/running`, or when systemd hit
/// the start limit.
public struct SSHDRestartLoopCheck: HealthCheck {
    public static let id = CheckID.sshdRestartLoop

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard let service = snapshot.service else {
            return [self.finding(.unknown, "the ssh unit's state could not be read from systemd")]
        }
        let fields = service.findingFields
        let threshold = snapshot.configuration.restartLoopThreshold
        if service.result == "start-limit-hit" {
            return [
                self.finding(
                    .critical,
                    "systemd gave up restarting \(service.name) after \(service.restarts) restarts (start-limit-hit)",
                    fields: fields
                )
            ]
        }
        let settled = service.isActive && service.subState == "running"
        if !settled && service.restarts >= threshold {
            return [
                self.finding(
                    .critical,
                    "\(service.name) restarted \(service.restarts) times and is \(service.stateText)",
                    fields: fields
                )
            ]
        }
        if service.subState == "auto-restart" {
            return [
                self.finding(
                    .warning,
                    "\(service.name) exited (status \(service.execMainStatus)) and waits to be restarted",
                    fields: fields
                )
            ]
        }
        let note = service.restarts > 0 ? "; restarted \(service.restarts) times since started by hand" : ""
        return [self.finding(.ok, "\(service.name) is not restarting\(note)", fields: fields)]
    }
}
