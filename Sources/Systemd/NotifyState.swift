/// One assignment in a service notification to systemd (`sd_notify(3)`), such as `READY=1`.
public enum NotifyState: Sendable, Hashable {
    /// `READY=1`: start-up finished; a `Type=notify` unit becomes active.
    case ready
    /// `RELOADING=1`: reloading the configuration; send ``ready`` when done.
    case reloading
    /// `STOPPING=1`: shutting down.
    case stopping
    /// `WATCHDOG=1`: still alive; required at least every watchdog interval when `WatchdogSec=` is set.
    case watchdog
    /// `STATUS=…`: a one-line status shown by `systemctl status`. Newlines are replaced by spaces.
    case status(String)
    /// `MAINPID=…`: the main process, when it is not the one that notifies.
    case mainPID(Int32)

    /// The `NAME=value` line sent to systemd.
    public var assignment: String {
        switch self {
        case .ready: "READY=1"
        case .reloading: "RELOADING=1"
        case .stopping: "STOPPING=1"
        case .watchdog: "WATCHDOG=1"
        case .status(let text):
            // One assignment per line: a newline in the text would start a bogus assignment.
            "STATUS=" + String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 })
        case .mainPID(let pid): "MAINPID=\(pid)"
        }
    }
}
