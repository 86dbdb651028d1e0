import SSHDAuditCore
import Systemd

extension UnitHealth {
    /// The Core view of a unit, from what the bus reported; absent numbers read as 0, an absent result as
    /// "success" (what systemd reports for a unit that never failed).
    public init(_ status: UnitStatus) {
        self.init(
            name: status.id.isEmpty ? status.name : status.id,
            loadState: status.loadState,
            activeState: status.activeState,
            subState: status.subState,
            result: status.result ?? "success",
            mainPID: status.mainPID ?? 0,
            restarts: Int(status.restarts ?? 0),
            execMainStatus: status.execMainStatus ?? 0
        )
    }
}
