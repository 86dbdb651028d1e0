/// What an sshd log line says happened. The raw value is the stable name used in `events` output and JSON.
public enum SSHDLogEventKind: String, Sendable, Hashable, CaseIterable {
    /// `Accepted METHOD for USER from ADDR port PORT ssh2[: KEY]`.
    case accepted
    /// `Failed password for [invalid user ]USER from ADDR port PORT ssh2`.
    case failedPassword = "failed_password"
    /// `Failed publickey for [invalid user ]USER from ADDR port PORT ssh2: KEY`.
    case failedPublickey = "failed_publickey"
    /// `Failed METHOD for ...` with any other method (keyboard-interactive/pam, hostbased, none, ...).
    case failedOther = "failed_other"
    /// `Invalid user USER from ADDR port PORT`.
    case invalidUser = "invalid_user"
    /// `error: maximum authentication attempts exceeded for [invalid user ]USER from ADDR port PORT ssh2`.
    case maxAuthTriesExceeded = "max_auth_tries_exceeded"
    /// `Connection closed by [authenticating user |invalid user |user ]USER ADDR port PORT`.
    case connectionClosed = "connection_closed"
    /// `Connection reset by [...user USER ]ADDR port PORT`.
    case connectionReset = "connection_reset"
    /// `Disconnected from [...user USER ]ADDR port PORT`.
    case disconnected
    /// `Received disconnect from ADDR port PORT:CODE: TEXT`.
    case receivedDisconnect = "received_disconnect"
    /// `fatal: Timeout before authentication for ADDR port PORT` (up to 9.7) or
    /// `Timeout before authentication for connection from ADDR to LADDR, pid = N` (9.8+; 9.8 itself printed the
    /// two addresses the other way round).
    case timeoutBeforeAuthentication = "timeout_before_auth"
    /// `error: beginning MaxStartups throttling` (8.4-9.9).
    case maxStartupsBegin = "maxstartups_begin"
    /// `error: in MaxStartups throttling for DURATION, N connections dropped` (8.4-9.9, every 5 minutes).
    case maxStartupsThrottling = "maxstartups_throttling"
    /// `exited MaxStartups throttling after DURATION, N connections dropped` (8.4-9.9).
    case maxStartupsExited = "maxstartups_exited"
    /// `drop connection #N from [ADDR]:PORT on [LADDR]:LPORT REASON`, REASON being `past MaxStartups` (8.4-9.7),
    /// `past Maxstartups` (9.8-9.9), `Maxstartups` or `PerSourcePenalties` (10.0+) or `penalty: WHY` (9.8+).
    case dropConnection = "drop_connection"
    /// `Maxstartups logging rate-limited: additional N connections dropped` (10.0+; also `PerSourcePenalties`).
    case dropRateLimited = "drop_rate_limited"
    /// `Authentication refused: bad ownership or modes for file PATH`.
    case badModesFile = "bad_modes_file"
    /// `Authentication refused: bad ownership or modes for directory PATH`.
    case badModesDirectory = "bad_modes_directory"
    /// `error: Bind to port PORT on ADDR failed: REASON.`
    case bindFailed = "bind_failed"
    /// `Server listening on ADDR port PORT.`
    case serverListening = "server_listening"
    /// `Received signal N; terminating.`
    case terminating
    /// `fatal: Missing privilege separation directory: PATH`.
    case missingPrivilegeSeparationDirectory = "missing_privsep_dir"
    /// `sshd: no hostkeys available -- exiting.`
    case noHostKeys = "no_host_keys"
    /// Any other line from an sshd program: kept, never dropped, with its text in ``SSHDLogEvent/detail``.
    case other
}
