/// `auth-failure-burst`: one source address failed to authenticate at least the threshold number of times
/// within the window; one finding per address.
///
/// Counted: failed password, publickey and other methods, and attempts at invalid users (a scanner that
/// only probes user names never gets to a "Failed" line). Failures of addresses beyond
/// ``LogWindow/maximumSources`` at once (a flood from more addresses than that) count in the total only.
public struct AuthFailureBurstCheck: HealthCheck {
    public static let id = CheckID.authFailureBurst

    public init() {}

    public func evaluate(_ snapshot: AuditSnapshot) -> [Finding] {
        guard let log = snapshot.logWindow else { return [self.finding(.unknown, "sshd's log could not be read")] }
        let window = snapshot.configuration.authFailureBurstWindow
        let threshold = snapshot.configuration.authFailureBurstThreshold
        let counts = log.authFailures(since: snapshot.time - window)
        let bursts = counts.bySource.filter { $0.value >= threshold }
        let windowText = SystemdTimeSpan.format(window)
        guard !bursts.isEmpty else {
            let total = counts.bySource.values.reduce(counts.otherSources, +)
            return [
                self.finding(
                    .ok,
                    "\(total) authentication failures in the last \(windowText), below \(threshold) per source"
                )
            ]
        }
        return bursts.keys.sorted().map { address in
            let failures = bursts[address] ?? 0
            var fields = [
                FindingField.sourceAddress: address,
                FindingField.failures: String(failures),
                FindingField.window: windowText,
            ]
            if let unit = snapshot.service?.name { fields[FindingField.unit] = unit }
            return self.finding(
                .warning,
                "\(failures) authentication failures from \(address) in the last \(windowText)",
                subject: address,
                fields: fields
            )
        }
    }
}
