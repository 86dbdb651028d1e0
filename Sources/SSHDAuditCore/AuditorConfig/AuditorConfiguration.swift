/// The auditor's own settings, read from `/etc/sshd-auditor.conf` and its drop-ins (see
/// ``AuditorConfigurationKey`` for the file syntax of each one).
public struct AuditorConfiguration: Sendable, Hashable {
    /// The ssh service units to watch, in order of preference; `nil` means automatic:
    /// ``automaticSSHUnits``, the first one systemd knows.
    public var sshUnits: [String]?
    /// The sshd binary, run as `sshd -t` to validate the on-disk config.
    public var sshdBinary: String
    /// The sshd configuration file.
    public var sshdConfigPath: String
    /// Ports sshd must listen on whatever its config says; empty means "what the config says".
    public var expectedPorts: [UInt16]
    /// Where procfs is mounted (tests and `--proc-root` point it at a copy).
    public var procRoot: String
    /// Where sshd's log lines are read from.
    public var logSource: LogSource
    /// The syslog file read when the log source is `file` (or `auto` finds no sshd lines in the journal).
    public var authLogPath: String
    /// How often a cycle runs when nothing wakes the daemon earlier: the safety net for what no event
    /// announces (sshd_config or a host key edited, /run/sshd removed, the MaxStartups gauge, another process
    /// on the port). Unit changes arrive as D-Bus signals and sshd's log lines as log input, at once.
    public var pollInterval: Duration
    /// Where the status file for `sshd-auditor status` is written (the unit's RuntimeDirectory).
    public var runtimeDirectory: String
    /// Where the alert state is kept across restarts (the unit's StateDirectory).
    public var stateDirectory: String
    /// The shortest time between an alert's resolution and its next raise (flapping protection).
    public var reraiseInterval: Duration
    /// Whether a check that cannot read its source (state `unknown`) raises an alert.
    public var alertOnUnknown: Bool
    /// A Prometheus textfile-collector file to write each cycle; `nil` writes none.
    public var prometheusTextfile: String?
    /// Checks that do not run.
    public var disabledChecks: Set<CheckID>
    /// How many authentication failures from one source within ``authFailureBurstWindow`` make a burst.
    public var authFailureBurstThreshold: Int
    /// The window failures are counted in.
    public var authFailureBurstWindow: Duration
    /// How many automatic restarts by systemd (`NRestarts`) count as a restart loop.
    public var restartLoopThreshold: Int
    /// How far back the log-based checks look (drop lines, StrictModes refusals, bind failures), so one
    /// log line keeps its alert raised for this long instead of for one cycle.
    public var logWindow: Duration

    public init(
        sshUnits: [String]? = nil,
        sshdBinary: String = "/usr/sbin/sshd",
        sshdConfigPath: String = "/etc/ssh/sshd_config",
        expectedPorts: [UInt16] = [],
        procRoot: String = "/proc",
        logSource: LogSource = .automatic,
        authLogPath: String = "/var/log/auth.log",
        pollInterval: Duration = .seconds(30),
        runtimeDirectory: String = "/run/sshd-auditor",
        stateDirectory: String = "/var/lib/sshd-auditor",
        reraiseInterval: Duration = .seconds(300),
        alertOnUnknown: Bool = true,
        prometheusTextfile: String? = nil,
        disabledChecks: Set<CheckID> = [],
        authFailureBurstThreshold: Int = 10,
        authFailureBurstWindow: Duration = .seconds(60),
        restartLoopThreshold: Int = 3,
        logWindow: Duration = .seconds(60)
    ) {
        self.sshUnits = sshUnits
        self.sshdBinary = sshdBinary
        self.sshdConfigPath = sshdConfigPath
        self.expectedPorts = expectedPorts
        self.procRoot = procRoot
        self.logSource = logSource
        self.authLogPath = authLogPath
        self.pollInterval = pollInterval
        self.runtimeDirectory = runtimeDirectory
        self.stateDirectory = stateDirectory
        self.reraiseInterval = reraiseInterval
        self.alertOnUnknown = alertOnUnknown
        self.prometheusTextfile = prometheusTextfile
        self.disabledChecks = disabledChecks
        self.authFailureBurstThreshold = authFailureBurstThreshold
        self.authFailureBurstWindow = authFailureBurstWindow
        self.restartLoopThreshold = restartLoopThreshold
        self.logWindow = logWindow
    }

    /// Every setting at its default.
    public static let `default` = AuditorConfiguration()

    /// The units tried when ``sshUnits`` is automatic: Debian and Ubuntu call it `ssh.service`, Fedora, RHEL,
    /// Arch and SUSE `sshd.service`.
    public static let automaticSSHUnits = ["ssh.service", "sshd.service"]

    /// The units to look up, automatic or configured.
    public var effectiveSSHUnits: [String] { self.sshUnits ?? Self.automaticSSHUnits }

    /// The checks that run.
    public var enabledChecks: [CheckID] { CheckID.allCases.filter { !self.disabledChecks.contains($0) } }

    /// Applies systemd-style text on top of `base` (the defaults, or what earlier files set), as systemd
    /// applies drop-ins: a later assignment wins, an empty value resets a setting to its default, list
    /// settings accumulate. Unknown sections, keys and bad values are errors naming file and line; the
    /// setting keeps its previous value.
    public static func parse(_ text: String, file: String? = nil, base: AuditorConfiguration = .default)
        -> Parsed<AuditorConfiguration>
    {
        let ini = SystemdINIParser.parse(text, file: file)
        var configuration = base
        var diagnostics = ini.diagnostics
        for assignment in ini.value {
            guard
                let key = AuditorConfigurationKey.all.first(where: {
                    $0.section == assignment.section && $0.name == assignment.key
                })
            else {
                let message =
                    AuditorConfigurationKey.sections.contains(assignment.section)
                    ? "unknown key '\(assignment.key)' in section [\(assignment.section)]"
                    : "unknown section [\(assignment.section)] (key '\(assignment.key)')"
                diagnostics.append(
                    ParseDiagnostic(file: assignment.file, line: assignment.line, severity: .error, message: message)
                )
                continue
            }
            if let problem = key.apply(&configuration, assignment.value) {
                diagnostics.append(
                    ParseDiagnostic(
                        file: assignment.file,
                        line: assignment.line,
                        severity: .error,
                        message: "\(key.name)=\(assignment.value): \(problem)"
                    )
                )
            }
        }
        // Syntax diagnostics came first and key/value ones after; `Parsed` promises input order.
        let ordered = diagnostics.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        return Parsed(value: configuration, diagnostics: ordered.map(\.element))
    }
}
