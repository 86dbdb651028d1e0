import ArgumentParser
import Glibc
import Logging
import SSHDAuditCore
import SSHDAuditor

/// `sshd-auditor check`: the full one-shot diagnosis.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Diagnose SSH now, in full: every check, firewall rules, and a user's key file modes.",
        discussion: """
            Runs every check once, without the daemon and without writing alerts: the ssh unit, sshd -t, \
            the effective configuration against the listening sockets, the MaxStartups gauge, and sshd's \
            log of the last minutes. Adds what the daemon does not poll: nftables and iptables rules that \
            drop or reject connections to sshd's ports (needs root or CAP_NET_ADMIN), and with --user, \
            whether StrictModes lets sshd read that user's authorized_keys (the modes and owners of the \
            file and every directory above it).

            Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, like `status`.

            Examples:
              sshd-auditor check
              sshd-auditor check --user alice
                  "Permission denied (publickey)" for alice: is it her ~/.ssh modes?
              sshd-auditor check --json > diagnosis.json
            """
    )

    @OptionGroup var options: AuditorOptions

    @Option(help: ArgumentHelp("Also check this user's ~/.ssh and authorized_keys modes.", valueName: "name"))
    var user: String?

    @Flag(help: "Print the diagnosis as JSON.")
    var json = false

    @Flag(help: "Skip the firewall rules (they need nft or iptables-save and privileges).")
    var noFirewall = false

    @Flag(help: "List every finding of each check; the text lists \(StatusText.defaultFindingLimit) of each.")
    var all = false

    func run() async throws {
        let configuration = try self.options.load()
        var logger = Logger(label: "sshd-auditor")
        logger.logLevel = .critical
        let auditor = Auditor(configuration: configuration, logMode: .recentWindow, logger: logger)
        let cycle = await auditor.runCycle()
        var results = cycle.report.results

        if !self.noFirewall {
            let ports = cycle.snapshot.sshdConfig?.ports ?? [22]
            results.append(CheckResult(check: .firewallBlocksPort, findings: Diagnosis.firewallFindings(ports: ports)))
        }
        if let user = self.user {
            guard let findings = Diagnosis.keyPermissionFindings(user: user, config: cycle.snapshot.sshdConfig) else {
                printError("sshd-auditor: no such user: \(user)")
                throw ExitCode(3)
            }
            results.removeAll { $0.check == .keyPermissions && $0.severity == .ok }
            results.append(CheckResult(check: .keyPermissions, findings: findings))
        }
        let report = HealthReport(results: results)
        var problems = cycle.problems
        problems += cycle.configDiagnostics.filter { $0.severity != .note }.map(\.description)
        let document = StatusDocument(
            report: report,
            time: cycle.snapshot.time,
            pid: getpid(),
            pollInterval: configuration.pollInterval,
            unit: cycle.snapshot.service?.name ?? configuration.effectiveSSHUnits.first ?? "ssh.service",
            logSource: await auditor.logSourceName,
            problems: problems
        )
        try document.print(json: self.json, allFindings: self.all, origin: "checked now")
        throw ExitCode(document.overallSeverity.exitCode)
    }
}
