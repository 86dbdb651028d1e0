import ArgumentParser
import Logging
import SSHDAuditCore
import SSHDAuditor
import ServiceLifecycle
import Systemd
import UnixSignals

/// `sshd-auditor run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the auditor daemon (what sshd-auditor.service starts).",
        discussion: """
            Watches the ssh unit over D-Bus (woken by its PropertiesChanged signals), follows sshd's log \
            (the journal, or auth.log where sshd writes there; woken by new lines, read at most once a \
            second), and re-checks everything every PollInterval (30 s by default) for what no event \
            announces. Alerts go to the journal when a check's state changes (raised, resolved), never \
            once per poll; `journalctl -t sshd-auditor -x` explains each. The last cycle is written to \
            RuntimeDirectory/status.json for `sshd-auditor status`.

            Signals: SIGHUP reloads the configuration (a configuration with errors is reported and the \
            running one kept); SIGTERM and SIGINT stop it cleanly. Under systemd it sends READY=1 after the \
            first cycle, WATCHDOG=1 after each, RELOADING=1 and STOPPING=1.

            Examples:
              systemctl enable --now sshd-auditor
              sshd-auditor run --config ./sshd-auditor.conf --log-level debug
                  in a terminal, logging to standard error
            """
    )

    @OptionGroup var options: AuditorOptions

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Flag(help: "Do not subscribe to the units' D-Bus signals: poll only (for comparing detection latency).")
    var pollOnly = false

    func run() async throws {
        LoggingBootstrap.bootstrap(level: self.logLevel)
        let logger = Logger(label: "sshd-auditor")
        let configuration = try self.options.load()
        Self.prepareDirectories(configuration, logger: logger)
        let auditor = Auditor(
            configuration: configuration,
            sinks: Auditor.Sinks(journal: JournalWriter(), persistState: true, writeStatusFile: true),
            logMode: .follow,
            logger: logger
        )
        let service = AuditService(
            auditor: auditor,
            loader: self.options.loader,
            watchUnits: !self.pollOnly,
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// systemd creates RuntimeDirectory= and StateDirectory=; a run by hand creates them itself.
    private static func prepareDirectories(_ configuration: AuditorConfiguration, logger: Logger) {
        for directory in [configuration.runtimeDirectory, configuration.stateDirectory] {
            if !Directory.ensure(directory) {
                logger.warning("cannot create \(directory); status and state will not be saved there")
            }
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
