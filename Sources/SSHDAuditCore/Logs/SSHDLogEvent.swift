/// One sshd log line, classified: what happened (``kind``) and the fields the line carried.
///
/// A flat value rather than an enum with payloads: every kind uses a subset of the same few fields, consumers
/// (checks, the `events` command, JSON) read them uniformly, and unused fields cost nothing but `nil`. Which
/// fields a kind fills is documented on ``SSHDLogEventKind``'s cases.
///
/// User names and disconnect texts are attacker-controlled; they are stored as sent (invalid UTF-8 repaired)
/// and must be escaped by whoever prints them. Addresses are only ever taken from the fixed, right-hand part of
/// a line and are validated as IP addresses.
///
/// This is the owned form, for events that outlive their line (checks, log sources, snapshots). Code that only
/// counts or prints events should parse into ``SSHDLogEventRanges`` instead, which holds the same fields as
/// ranges of the line and creates no strings; ``SSHDLogEventRanges/event(in:)`` gives this form when needed.
public struct SSHDLogEvent: Sendable, Hashable {
    /// What the line says happened.
    public var kind: SSHDLogEventKind
    /// When, as the log line stated it (`nil` for bare journal `MESSAGE` text or an RFC 5424 `-` stamp).
    public var timestamp: LogTimestamp?
    /// The host name field of the syslog line, if any.
    public var host: String?
    /// The program that logged the line (`nil` for bare message text).
    public var program: SSHDProgram?
    /// The process id of the logging process, if the line had one.
    public var pid: Int?
    /// The user name the client asked for (attacker-controlled).
    public var user: String?
    /// Whether sshd called the user invalid (`invalid user USER`).
    public var invalidUser: Bool
    /// The remote address (validated IPv4 or IPv6 text).
    public var address: String?
    /// The remote port.
    public var port: Int?
    /// The authentication method (`password`, `publickey`, `keyboard-interactive/pam`, ...).
    public var method: String?
    /// The local (listener) address, for listening, bind, drop and 9.8+ timeout lines.
    public var listenerAddress: String?
    /// The local (listener) port.
    public var listenerPort: Int?
    /// A count: connections dropped (throttling, rate-limit lines), `#N` startups for a drop, the signal number
    /// for ``SSHDLogEventKind/terminating``, the disconnect reason code for a received disconnect.
    public var count: Int?
    /// The sshd-session pid named by a 9.8+ timeout line (`pid = N`).
    public var sessionPID: Int?
    /// How long throttling has lasted, as sshd printed it (`00:05:01`, `1d02h03m`).
    public var duration: String?
    /// Why a connection was dropped: `MaxStartups` or `PerSourcePenalties`.
    public var dropReason: String?
    /// The penalty of a PerSourcePenalties drop (`failed authentication`, `caused crash`, ...).
    public var penalty: String?
    /// A file or directory path (bad modes, missing privilege separation directory).
    public var path: String?
    /// Free text: the key for accepted/failed lines, the disconnect message, the bind error, or, for
    /// ``SSHDLogEventKind/other``, the whole message.
    public var detail: String?
    /// Whether the line ended in ` [preauth]` (logged by the unprivileged pre-authentication process).
    public var preauth: Bool
    /// How many identical messages this line stands for, when rsyslog folded them into one
    /// `message repeated N times: [ MESSAGE]` line (`nil` for an ordinary line).
    public var repeated: Int?

    public init(
        kind: SSHDLogEventKind,
        timestamp: LogTimestamp? = nil,
        host: String? = nil,
        program: SSHDProgram? = nil,
        pid: Int? = nil,
        user: String? = nil,
        invalidUser: Bool = false,
        address: String? = nil,
        port: Int? = nil,
        method: String? = nil,
        listenerAddress: String? = nil,
        listenerPort: Int? = nil,
        count: Int? = nil,
        sessionPID: Int? = nil,
        duration: String? = nil,
        dropReason: String? = nil,
        penalty: String? = nil,
        path: String? = nil,
        detail: String? = nil,
        preauth: Bool = false,
        repeated: Int? = nil
    ) {
        self.kind = kind
        self.timestamp = timestamp
        self.host = host
        self.program = program
        self.pid = pid
        self.user = user
        self.invalidUser = invalidUser
        self.address = address
        self.port = port
        self.method = method
        self.listenerAddress = listenerAddress
        self.listenerPort = listenerPort
        self.count = count
        self.sessionPID = sessionPID
        self.duration = duration
        self.dropReason = dropReason
        self.penalty = penalty
        self.path = path
        self.detail = detail
        self.preauth = preauth
        self.repeated = repeated
    }
}
