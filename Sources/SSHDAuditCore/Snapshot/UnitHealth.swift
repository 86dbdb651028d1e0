/// What systemd says about one unit, as plain values: the Core-side twin of the `Systemd` module's unit
/// status, so checks never see the bus.
public struct UnitHealth: Sendable, Hashable {
    /// The unit name, e.g. `ssh.service` or `ssh.socket`.
    public var name: String
    /// `LoadState`: `loaded`, `not-found`, `masked`, `error`, ...
    public var loadState: String
    /// `ActiveState`: `active`, `reloading`, `inactive`, `failed`, `activating`, `deactivating`.
    public var activeState: String
    /// `SubState`: `running`, `dead`, `auto-restart`, `listening`, ...
    public var subState: String
    /// `Result` of the last run: `success`, `exit-code`, `signal`, `start-limit-hit`, ... (services and sockets).
    public var result: String
    /// `MainPID`, 0 when none.
    public var mainPID: Int32
    /// `NRestarts`: automatic restarts since the unit was last started by hand.
    public var restarts: Int
    /// `ExecMainStatus`: the exit status or signal of the main process's last exit.
    public var execMainStatus: Int32

    public init(
        name: String,
        loadState: String = "loaded",
        activeState: String,
        subState: String,
        result: String = "success",
        mainPID: Int32 = 0,
        restarts: Int = 0,
        execMainStatus: Int32 = 0
    ) {
        self.name = name
        self.loadState = loadState
        self.activeState = activeState
        self.subState = subState
        self.result = result
        self.mainPID = mainPID
        self.restarts = restarts
        self.execMainStatus = execMainStatus
    }

    /// Whether systemd knows the unit (a `not-found` unit is only a name).
    public var isLoaded: Bool { self.loadState == "loaded" }

    /// Whether the unit is up: `active` or `reloading`.
    public var isActive: Bool { self.activeState == "active" || self.activeState == "reloading" }

    /// `ActiveState/SubState`, e.g. `failed/failed`, the form the journal fields carry.
    public var stateText: String { "\(self.activeState)/\(self.subState)" }
}
