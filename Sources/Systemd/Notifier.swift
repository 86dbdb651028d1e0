import CSystemd
import Glibc

/// Tells systemd about the service's state: ready, reloading, stopping, alive (watchdog), status text.
///
/// Under systemd (`NOTIFY_SOCKET` set, which happens for `Type=notify` units and with `NotifyAccess=`), each
/// call sends one datagram to the service manager. Anywhere else it is a no-op that says so: ``notify(_:)``
/// returns `false` and ``isUnderSystemd`` is `false`, as go-systemd's `SdNotify` returns `(false, nil)`.
///
/// A `Sendable` value without state; libsystemd reads the environment on every call.
public struct Notifier: Sendable {
    public init() {}

    /// Whether notifications have somewhere to go: `NOTIFY_SOCKET` is set and not empty.
    public var isUnderSystemd: Bool {
        guard let value = getenv("NOTIFY_SOCKET") else { return false }
        return value.pointee != 0
    }

    /// Sends `states` to the service manager in one message.
    ///
    /// The corresponding C function is `sd_notify(3)`.
    /// - Returns: `true` when the message was sent, `false` when not running under systemd (nothing sent).
    /// - Throws: ``SystemdError`` when `NOTIFY_SOCKET` is set but the message could not be sent.
    @discardableResult
    public func notify(_ states: NotifyState...) throws(SystemdError) -> Bool {
        try self.notify(states)
    }

    /// Sends `states` to the service manager in one message, like the variadic `notify(_:)`.
    @discardableResult
    public func notify(_ states: [NotifyState]) throws(SystemdError) -> Bool {
        let message = states.map(\.assignment).joined(separator: "\n")
        return try check("sd_notify") { sd_notify(0, message) } > 0
    }

    /// How often systemd expects ``NotifyState/watchdog``: the unit's `WatchdogSec=` as passed in
    /// `WATCHDOG_USEC`, or `nil` when the watchdog is off or meant for another process (`WATCHDOG_PID`).
    /// Send a keep-alive at least every half of it.
    ///
    /// The corresponding C function is `sd_watchdog_enabled(3)`.
    public func watchdogInterval() throws(SystemdError) -> Duration? {
        var microseconds: UInt64 = 0
        let enabled = try check("sd_watchdog_enabled") { sd_watchdog_enabled(0, &microseconds) }
        guard enabled > 0 else { return nil }
        return .microseconds(Int64(clamping: microseconds))
    }
}
