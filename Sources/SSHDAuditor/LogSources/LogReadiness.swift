/// What to wait on for a log source's next input: a descriptor to `poll(2)`, and how long to wait at most.
///
/// The daemon waits for it on a thread (``Systemd/ReadinessWatcher``) instead of reading the log on a timer, so
/// a quiet log costs no wake-up at all. Ready means "read now": the source's next
/// ``SSHDLogEventSource/readNewEvents(limit:)`` consumes what made the descriptor ready.
public struct LogReadiness: Sendable, Hashable {
    /// The descriptor, owned by the source (valid while the source lives); `nil` when the source cannot
    /// announce input and must be read every ``timeout``.
    public var descriptor: Int32?
    /// The `poll(2)` events to wait for.
    public var events: Int16
    /// The longest to wait before reading anyway; `nil` for no limit.
    public var timeout: Duration?

    public init(descriptor: Int32?, events: Int16, timeout: Duration?) {
        self.descriptor = descriptor
        self.events = events
        self.timeout = timeout
    }

    /// No descriptor: read every `interval`.
    public static func every(_ interval: Duration) -> LogReadiness {
        LogReadiness(descriptor: nil, events: 0, timeout: interval)
    }
}
