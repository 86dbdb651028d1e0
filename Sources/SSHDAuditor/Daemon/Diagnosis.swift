import SSHDAuditCore

/// The parts of `sshd-auditor check` that the daemon does not run every cycle, because they spawn tools
/// that need privileges (nft, iptables-save) or concern one user: firewall rules that drop or reject
/// connections to sshd's ports, and StrictModes problems in a user's authorized_keys path.
public enum Diagnosis {
    /// Findings for every firewall rule that drops or rejects new connections to one of `ports`.
    /// A host whose firewall cannot be read gets an `unknown` finding saying why.
    public static func firewallFindings(ports: [Int], reader: FirewallReader = FirewallReader()) -> [Finding] {
        let snapshot = reader.read()
        if snapshot.isBlind {
            let why = snapshot.sources.map { "\($0.tool): \($0.status)" }.joined(separator: "; ")
            return [
                Finding(
                    check: .firewallBlocksPort,
                    severity: snapshot.sources.allSatisfy({ "\($0.status)".contains("not installed") })
                        ? .ok : .unknown,
                    summary: "firewall rules not read (\(why))"
                )
            ]
        }
        var findings: [Finding] = []
        for port in ports {
            guard let port16 = UInt16(exactly: port) else { continue }
            for block in FirewallEvaluator.blocks(in: snapshot.ruleset, port: port16) {
                let everyone = block.blocksEveryone
                findings.append(
                    Finding(
                        check: .firewallBlocksPort,
                        severity: everyone ? .critical : .warning,
                        summary: "port \(port): \(block)",
                        subject: "\(port)/\(block.family)/\(block.table)/\(block.chain)/\(block.rule)",
                        fields: [
                            "SSHD_PORT": String(port),
                            "SSHD_FIREWALL_ACTION": "\(block.action)",
                            "SSHD_FIREWALL_RULE": block.rule,
                            "SSHD_FIREWALL_CHAIN": "\(block.family) \(block.table) \(block.chain)",
                        ]
                    )
                )
            }
        }
        if findings.isEmpty {
            let ports = ports.map(String.init).joined(separator: ", ")
            findings.append(
                Finding(check: .firewallBlocksPort, severity: .ok, summary: "no rule drops or rejects port \(ports)")
            )
        }
        return findings
    }

    /// Findings for `user`'s authorized_keys files as StrictModes judges them; `nil` when the user does not
    /// exist.
    public static func keyPermissionFindings(
        user name: String,
        config: SSHDEffectiveConfig?
    ) -> [Finding]? {
        guard let account = UserAccount.named(name) else { return nil }
        guard config?.strictModes ?? true else {
            return [
                Finding(check: .keyPermissions, severity: .ok, summary: "StrictModes is off: sshd does not check modes")
            ]
        }
        let reader = PermissionsReader(
            policy: PermissionsReader.groupWritePolicy(debianPatched: PermissionsReader.isDebianFamily())
        )
        let patterns = config?.authorizedKeysFiles ?? AuthorizedKeysPath.defaultPatterns
        let reports = reader.check(user: account, patterns: patterns).value
        var findings: [Finding] = []
        for report in reports {
            guard let violation = report.violations.first else { continue }
            findings.append(
                Finding(
                    check: .keyPermissions,
                    severity: .critical,
                    summary: "\(name): sshd will refuse \(report.path): \(violation.message)",
                    subject: "user \(name) \(report.path)",
                    fields: ["SSHD_USER": name, "SSHD_PATH": violation.path]
                )
            )
        }
        if findings.isEmpty {
            let existing = reports.filter { $0.canonicalPath != nil }.map(\.path)
            let what = existing.isEmpty ? "no authorized_keys file exists" : existing.joined(separator: ", ")
            findings.append(
                Finding(
                    check: .keyPermissions,
                    severity: .ok,
                    summary: "\(name): modes and owners pass StrictModes (\(what))"
                )
            )
        }
        return findings
    }
}
