/// Everything one audit cycle read, in one value: the only input of the checks.
///
/// Each source that could not be read is `nil` (or empty, where stated), and the checks that need it answer
/// `unknown` rather than guess. The collector in `SSHDAuditor` fills it; tests build it by hand.
public struct AuditSnapshot: Sendable, Hashable {
    /// When the cycle read its sources, as wall-clock time since the Unix epoch (log windows end here).
    public var time: Duration
    /// The auditor's configuration in force (thresholds, windows, expected ports).
    public var configuration: AuditorConfiguration
    /// Whether the sshd binary exists.
    public var sshdInstalled: Bool
    /// The ssh service unit (`ssh.service` or `sshd.service`, the first one loaded); `nil` when the bus could
    /// not be asked.
    public var service: UnitHealth?
    /// Its socket unit (`ssh.socket`), when one is loaded: socket activation makes an inactive service healthy.
    public var socket: UnitHealth?
    /// `sshd -t` on the on-disk configuration; `nil` when it was not run.
    public var configTest: ConfigTestResult?
    /// The effective on-disk sshd configuration (what the next start would use); `nil` when unreadable.
    public var sshdConfig: SSHDEffectiveConfig?
    /// TCP sockets in LISTEN state on the host, with their owners; `nil` when /proc/net/tcp could not be read.
    public var listeners: [ListeningSocket]?
    /// The listener's MaxStartups gauge from its title; `nil` when sshd does not run or the title could not be
    /// read.
    public var startups: MaxStartupsGauge?
    /// The privilege separation directory (`/run/sshd` on Debian, `/var/empty` elsewhere); `nil` when unknown.
    public var privsepDirectory: PathProbe?
    /// Every configured host key; empty when not probed.
    public var hostKeys: [PathProbe]
    /// What the checks need of sshd's recent log (counts per source and path, the last rare events);
    /// `nil` when the log could not be read.
    public var logWindow: LogWindow?

    public init(
        time: Duration,
        configuration: AuditorConfiguration = .default,
        sshdInstalled: Bool = true,
        service: UnitHealth? = nil,
        socket: UnitHealth? = nil,
        configTest: ConfigTestResult? = nil,
        sshdConfig: SSHDEffectiveConfig? = nil,
        listeners: [ListeningSocket]? = nil,
        startups: MaxStartupsGauge? = nil,
        privsepDirectory: PathProbe? = nil,
        hostKeys: [PathProbe] = [],
        logWindow: LogWindow? = nil
    ) {
        self.time = time
        self.configuration = configuration
        self.sshdInstalled = sshdInstalled
        self.service = service
        self.socket = socket
        self.configTest = configTest
        self.sshdConfig = sshdConfig
        self.listeners = listeners
        self.startups = startups
        self.privsepDirectory = privsepDirectory
        self.hostKeys = hostKeys
        self.logWindow = logWindow
    }

    /// Whether ssh is socket-activated right now: a loaded socket unit that is active (listening).
    public var isSocketActivated: Bool { self.socket.map { $0.isLoaded && $0.isActive } ?? false }

    /// Whether sshd (or its socket unit) serves connections now.
    public var sshdIsUp: Bool { (self.service?.isActive ?? false) || self.isSocketActivated }

    /// The last log event of `kinds` (``LogWindow/rareKinds`` only) within `window` before ``time``; `nil` when
    /// there is none or the log was not read.
    public func lastLogEvent(_ kinds: Set<SSHDLogEventKind>, within window: Duration) -> SSHDLogEvent? {
        self.logWindow?.lastEvent(kinds, since: self.time - window)
    }

    /// The listening sockets held by sshd: by its main pid or a process named sshd, or by systemd (pid 1)
    /// when the socket unit owns the port. `nil` when that cannot be told: no socket table, or no owner known
    /// for any socket (the auditor could not read /proc/PID/fd).
    public var sshdListeners: [ListeningSocket]? {
        guard let listeners = self.listeners, listeners.contains(where: { !$0.owners.isEmpty }) else { return nil }
        let mainPID = self.service?.mainPID ?? 0
        return listeners.filter { socket in
            socket.owners.contains { owner in
                (mainPID != 0 && owner.pid == mainPID) || owner.command == "sshd"
                    || (self.isSocketActivated && owner.pid == 1)
            }
        }
    }

    /// The endpoints the on-disk configuration asks for (`listenaddress` lines of `sshd -T`); empty when the
    /// configuration was not read.
    public var configuredEndpoints: [TCPEndpoint] {
        (self.sshdConfig?.listenAddresses ?? []).compactMap { listen in
            UInt16(exactly: listen.port).map { TCPEndpoint(address: listen.address, port: $0) }
        }
    }
}
