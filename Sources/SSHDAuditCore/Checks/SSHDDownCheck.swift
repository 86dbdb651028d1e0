/// `sshd-down`: the ssh service is not running, unless its socket unit listens for it (socket activation:
/// an inactive `ssh.service` behind a listening `ssh.socket` is the healthy idle state on Ubuntu 22.10+).
public struct SSHDDownCheck: HealthCheck {
    public static let id = CheckID.sshdDown

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard let service = snapshot.service else {
            return [self.finding(.unknown, "the ssh unit's state could not be read from systemd")]
        }
        var fields = service.findingFields
        if let socket = snapshot.socket, socket.isLoaded {
            fields[FindingField.socketUnit] = socket.name
        }
        if !service.isLoaded && !snapshot.sshdInstalled {
            // sshd-not-installed says it; a second alert for the same cause would be noise.
            return [self.finding(.ok, "sshd is not installed (see sshd-not-installed)", fields: fields)]
        }
        if service.isActive {
            return [self.finding(.ok, "\(service.name) is \(service.stateText)", fields: fields)]
        }
        if snapshot.isSocketActivated, let socket = snapshot.socket {
            return [
                self.finding(
                    .ok,
                    "\(socket.name) is \(socket.stateText); \(service.name) starts on demand",
                    fields: fields
                )
            ]
        }
        if service.activeState == "activating" && service.subState != "auto-restart" {
            return [self.finding(.warning, "\(service.name) is starting (\(service.stateText))", fields: fields)]
        }
        if !service.isLoaded {
            return [self.finding(.critical, "\(service.name) is \(service.loadState)", fields: fields)]
        }
        let result = service.result == "success" ? "" : " (\(service.result))"
        return [self.finding(.critical, "\(service.name) is \(service.stateText)\(result)", fields: fields)]
    }
}
