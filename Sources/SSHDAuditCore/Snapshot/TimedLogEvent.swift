/// An sshd log event with the wall-clock time it was logged (the journal's realtime stamp, or the syslog
/// stamp resolved by the collector), so checks can count events in a window.
public struct TimedLogEvent: Sendable, Hashable {
    /// When it was logged, as time since the Unix epoch.
    public var time: Duration
    /// What it says.
    public var event: SSHDLogEvent

    public init(time: Duration, event: SSHDLogEvent) {
        self.time = time
        self.event = event
    }
}
