import ArgumentParser
import Glibc
import Logging
import SSHDAuditCore
import SSHDAuditor

/// `sshd-auditor status`: is SSH healthy here, and if not, why.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say whether SSH is healthy here and, if not, why (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).",
        discussion: """
            Prints the running daemon's last cycle (RuntimeDirectory/status.json). When no daemon runs, or \
            its status file is stale, runs every check once itself and says so. The exit status follows \
            the monitoring-plugins convention, so the command works as a Nagios/Icinga/Zabbix check as is.

            Examples:
              sshd-auditor status
              sshd-auditor status --json | jq '.checks[] | select(.severity != "ok")'
              sshd-auditor status --quiet || echo "SSH needs attention"
            """
    )

    @OptionGroup var options: AuditorOptions

    @Flag(help: "Print the status document as JSON (the same schema as status.json).")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing; only the exit status tells.")
    var quiet = false

    @Flag(help: "Always run the checks now, even when the daemon's status is fresh.")
    var fresh = false

    @Flag(help: "List every finding of each check; the text lists \(StatusText.defaultFindingLimit) of each.")
    var all = false

    func run() async throws {
        let configuration = try self.options.load()
        let (document, origin) = await Self.currentStatus(configuration: configuration, forceFresh: self.fresh)
        if !self.quiet {
            try document.print(json: self.json, allFindings: self.all, origin: origin)
        }
        throw ExitCode(document.overallSeverity.exitCode)
    }

    /// The daemon's last status when it is fresh, else a one-shot cycle's.
    static func currentStatus(
        configuration: AuditorConfiguration,
        forceFresh: Bool
    ) async -> (StatusDocument, String) {
        let path = configuration.runtimeDirectory + "/" + Auditor.statusFileName
        if !forceFresh, let bytes = AtomicRead.contents(of: path), let document = try? StatusDocument.decode(bytes) {
            let age = WallClock.now() - .milliseconds(Int64(document.time * 1000))
            let alive = kill(document.pid, 0) == 0 || errno == EPERM
            // Three missed polls (plus slack for a slow sshd -t) and the daemon is not keeping up.
            let limit = .seconds(document.pollIntervalSeconds * 3) + .seconds(10)
            if alive && age <= limit {
                return (document, "from the daemon (pid \(document.pid)), \(Self.describe(age)) ago")
            }
        }
        var logger = Logger(label: "sshd-auditor")
        logger.logLevel = .critical
        let auditor = Auditor(configuration: configuration, logMode: .recentWindow, logger: logger)
        let cycle = await auditor.runCycle()
        let document = StatusDocument(
            report: cycle.report,
            time: cycle.snapshot.time,
            pid: getpid(),
            pollInterval: configuration.pollInterval,
            unit: cycle.snapshot.service?.name ?? configuration.effectiveSSHUnits.first ?? "ssh.service",
            logSource: await auditor.logSourceName,
            problems: cycle.problems
        )
        return (document, "checked now: no sshd-auditor daemon is running (or its status is stale)")
    }

    private static func describe(_ age: Duration) -> String {
        let seconds = max(0, age.components.seconds)
        return seconds < 120 ? "\(seconds) s" : "\(seconds / 60) min"
    }
}
