/// The structured field names a ``Finding`` carries, which become journal fields of its alert.
///
/// They follow journald's rules (upper case, digits and `_`, no leading `_`, at most 64 characters) so the
/// journal sink writes them unchanged, and the catalog refers to them as `@SSHD_UNIT@` and so on.
public enum FindingField {
    // MARK: - Fields of every alert entry

    /// The check id, e.g. `sshd-down`.
    public static let check = "SSHD_AUDITOR_CHECK"
    /// The alert's state after the transition: its severity when raised (`warning`, `critical`, `unknown`),
    /// `ok` when resolved.
    public static let state = "SSHD_AUDITOR_STATE"
    /// `raised` or `resolved`.
    public static let transition = "SSHD_AUDITOR_TRANSITION"
    /// The finding's subject (a source address, a path) when the check reports several.
    public static let subject = "SSHD_AUDITOR_SUBJECT"
    /// The severity before a severity change.
    public static let previousState = "SSHD_AUDITOR_PREVIOUS_STATE"
    /// How many comebacks were held back by the re-raise interval before this raise.
    public static let suppressedRaises = "SSHD_AUDITOR_SUPPRESSED_RAISES"
    /// The identity of the saved alert state the entry belongs to (32 hex digits, chosen when the daemon starts
    /// without one): with ``stateGeneration``, how a restarted daemon finds the entries its saved state is
    /// missing (``AlertJournalMark``).
    public static let stateID = "SSHD_AUDITOR_STATE_ID"
    /// The number of the entry's transition within ``stateID``: 1, 2, 3, ... in the order they were written.
    public static let stateGeneration = "SSHD_AUDITOR_STATE_GENERATION"

    // MARK: - Facts, set by the checks

    /// The ssh unit the finding is about, e.g. `ssh.service`.
    public static let unit = "SSHD_UNIT"
    /// The socket unit that listens for sshd when it is socket-activated, e.g. `ssh.socket`.
    public static let socketUnit = "SSHD_SOCKET_UNIT"
    /// The unit's `ActiveState/SubState`, e.g. `failed/failed`.
    public static let unitState = "SSHD_UNIT_STATE"
    /// The unit's `Result`, e.g. `exit-code` or `start-limit-hit`.
    public static let unitResult = "SSHD_UNIT_RESULT"
    /// How many times systemd restarted the unit (`NRestarts`).
    public static let restarts = "SSHD_RESTARTS"
    /// Ports of the effective on-disk config, space separated, e.g. `22 2222`.
    public static let configuredPorts = "SSHD_CONFIGURED_PORTS"
    /// Addresses and ports sshd should listen on according to the on-disk config, e.g. `0.0.0.0:22 [::]:22`.
    public static let configuredAddresses = "SSHD_CONFIGURED_ADDRESSES"
    /// Ports sshd (or its socket unit) listens on now, space separated.
    public static let listeningPorts = "SSHD_LISTENING_PORTS"
    /// Addresses and ports sshd listens on now.
    public static let listeningAddresses = "SSHD_LISTENING_ADDRESSES"
    /// The process holding a port sshd should hold, as `COMMAND[PID]`.
    public static let portHolder = "SSHD_PORT_HOLDER"
    /// Unauthenticated connections now, from the listener's title.
    public static let startups = "SSHD_STARTUPS"
    /// The MaxStartups setting in force, as `start:rate:full`.
    public static let maxStartups = "SSHD_MAXSTARTUPS"
    /// Connections sshd dropped (from its log) in the evaluated window.
    public static let droppedConnections = "SSHD_DROPPED_CONNECTIONS"
    /// A client address, e.g. for a failure burst.
    public static let sourceAddress = "SSHD_SOURCE_ADDRESS"
    /// How many authentication failures a source had in the window.
    public static let failures = "SSHD_FAILURES"
    /// The window the failures were counted in, e.g. `1min`.
    public static let window = "SSHD_WINDOW"
    /// A file or directory the finding is about (host key, privsep directory, refused `authorized_keys`).
    public static let path = "SSHD_PATH"
    /// The sshd binary checked.
    public static let binary = "SSHD_BINARY"
    /// The sshd_config checked.
    public static let configFile = "SSHD_CONFIG_FILE"
    /// What `sshd -t` printed, lines joined with `; `.
    public static let configErrors = "SSHD_CONFIG_ERRORS"
    /// The exit status of `sshd -t`.
    public static let configTestStatus = "SSHD_CONFIG_TEST_STATUS"
}
