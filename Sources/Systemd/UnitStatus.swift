/// A systemd unit's state as read over D-Bus: what `systemctl status` shows, as values.
///
/// Type-specific properties are present for the unit types that have them: ``mainPID``, ``restarts`` and
/// ``execMainStatus`` for services, ``listen`` for sockets, ``result`` for both. They are `nil` (or empty)
/// for other types and for units that are not loaded.
public struct UnitStatus: Sendable, Hashable {
    /// The name asked for, such as `sshd.service` (possibly an alias).
    public var name: String
    /// The unit's own name (`Id`), such as `ssh.service` when ``name`` was its alias `sshd.service`.
    public var id: String
    /// `LoadState`: `loaded`, `not-found`, `masked`, `error`, `bad-setting`, `stub`, `merged`.
    public var loadState: String
    /// `ActiveState`: `active`, `reloading`, `inactive`, `failed`, `activating`, `deactivating`, `maintenance`.
    public var activeState: String
    /// `SubState`: the type-specific state, such as `running`, `dead`, `exited`, `listening`, `auto-restart`.
    public var subState: String
    /// `Result`: why the unit last stopped or failed: `success`, `exit-code`, `signal`, `core-dump`,
    /// `timeout`, `start-limit-hit`...
    public var result: String?
    /// `MainPID`: the main process, `nil` when none runs (systemd reports 0).
    public var mainPID: Int32?
    /// `NRestarts`: how often `Restart=` restarted the service since it was last started by hand.
    public var restarts: UInt32?
    /// `ExecMainStatus`: the exit status (or signal number) of the main process when it last exited.
    public var execMainStatus: Int32?
    /// `ActiveEnterTimestamp`: when the unit last became active, in microseconds since the Unix epoch;
    /// `nil` when it never was.
    public var activeEnterTimestampMicroseconds: UInt64?
    /// `StateChangeTimestamp`: when the unit last changed ``activeState`` or ``subState``, in microseconds
    /// since the Unix epoch; `nil` when it never did.
    public var stateChangeTimestampMicroseconds: UInt64?
    /// `Listen`: a socket unit's addresses.
    public var listen: [ListenAddress]

    public init(
        name: String,
        id: String,
        loadState: String,
        activeState: String,
        subState: String,
        result: String? = nil,
        mainPID: Int32? = nil,
        restarts: UInt32? = nil,
        execMainStatus: Int32? = nil,
        activeEnterTimestampMicroseconds: UInt64? = nil,
        stateChangeTimestampMicroseconds: UInt64? = nil,
        listen: [ListenAddress] = []
    ) {
        self.name = name
        self.id = id
        self.loadState = loadState
        self.activeState = activeState
        self.subState = subState
        self.result = result
        self.mainPID = mainPID
        self.restarts = restarts
        self.execMainStatus = execMainStatus
        self.activeEnterTimestampMicroseconds = activeEnterTimestampMicroseconds
        self.stateChangeTimestampMicroseconds = stateChangeTimestampMicroseconds
        self.listen = listen
    }

    /// Whether systemd found and loaded the unit's file.
    public var isLoaded: Bool { self.loadState == "loaded" }

    /// Whether the unit is `active` (running, listening, or exited successfully for oneshot units).
    public var isActive: Bool { self.activeState == "active" }
}
