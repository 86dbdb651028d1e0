/// What a ``UnitWatcher`` reports.
public enum UnitEvent: Sendable, Hashable {
    /// Connected (first time or again) and subscribed; the units' state right now, in the order asked for.
    case connected([UnitStatus])
    /// A unit's state changed; systemd signalled it (`PropertiesChanged`), so this arrives as it happens.
    case changed(UnitStatus)
    /// The bus went away or could not be reached; the watcher tries again after `retryAfter`.
    case disconnected(SystemdError, retryAfter: Duration)
}
