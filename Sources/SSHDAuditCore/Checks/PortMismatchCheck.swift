/// `port-mismatch`: a configured (or expected) address and port is not served by sshd, because another
/// process holds it, sshd failed to bind it, or sshd listens nowhere.
public struct PortMismatchCheck: HealthCheck {
    public static let id = CheckID.portMismatch

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard let comparison = ListenerComparison(snapshot) else {
            return [self.finding(.unknown, "the listening sockets could not be read")]
        }
        var fields = comparison.fields
        if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
        var problems: [String] = []

        if !comparison.foreign.isEmpty {
            let holders = comparison.foreign.map { "\($0.endpoint) held by \(ListenerComparison.label($0.owner))" }
            problems.append(holders.joined(separator: ", "))
            fields[FindingField.portHolder] = comparison.foreign.map { ListenerComparison.label($0.owner) }.joined(
                separator: " "
            )
        }
        if let failure = snapshot.lastLogEvent([.bindFailed], within: snapshot.configuration.logWindow) {
            let address = failure.listenerAddress ?? failure.address ?? "?"
            let port = failure.listenerPort ?? failure.port
            problems.append(
                "sshd could not bind \(address) port \(port.map(String.init) ?? "?"): \(failure.detail ?? "bind failed")"
            )
        }
        let expected = snapshot.configuration.expectedPorts
        let listeningPorts = Set(comparison.listening.map(\.port))
        let unserved = expected.filter { !listeningPorts.contains($0) }
        if snapshot.sshdIsUp && !unserved.isEmpty {
            problems.append("expected port \(unserved.map(String.init).joined(separator: " ")) not served by sshd")
        }
        if snapshot.sshdIsUp && snapshot.sshdListeners != nil && comparison.listening.isEmpty {
            problems.append("sshd runs but listens on no TCP socket")
        }
        if fields[FindingField.portHolder] == nil { fields[FindingField.portHolder] = "none" }

        guard !problems.isEmpty else {
            let listening = fields[FindingField.listeningAddresses] ?? ""
            // A stopped sshd holds nothing and that is sshd-down's alert; "none configured" read as a config fact.
            let summary =
                snapshot.sshdIsUp
                ? "sshd holds its ports: \(listening.isEmpty ? "none configured" : listening)"
                : "sshd is not running: no port to hold (see sshd-down)"
            return [self.finding(.ok, summary, fields: fields)]
        }
        return [self.finding(.critical, problems.joined(separator: "; "), fields: fields)]
    }
}
