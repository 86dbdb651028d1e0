import SSHDAuditCore

/// The sshd log events of the last `duration`, which the window-based checks (failure bursts, drop lines)
/// count. Bounded in count as well as time, so a flood cannot grow memory without limit: past `capacity`
/// the oldest events go first, and ``droppedCount`` says how many. Each event's text is cut to
/// ``SSHDLogEvent/maximumTextBytes`` (no line sshd writes is longer), so the bound is in bytes as well:
/// at most `capacity` x (an event's fixed size + 1 KiB of text + a 255-byte host name).
struct LogEventWindow {
    private(set) var events: [TimedLogEvent] = []
    private(set) var droppedCount = 0
    var duration: Duration
    let capacity: Int

    init(duration: Duration, capacity: Int = 100_000) {
        self.duration = duration
        self.capacity = capacity
    }

    /// Adds events (in log order) and forgets those older than the window before `now`.
    mutating func append(_ newEvents: [TimedLogEvent], now: Duration) {
        self.events.append(contentsOf: newEvents.lazy.map { TimedLogEvent(time: $0.time, event: $0.event.bounded()) })
        let since = now - self.duration
        if let firstKept = self.events.firstIndex(where: { $0.time >= since }) {
            self.events.removeFirst(firstKept)
        } else {
            self.events.removeAll(keepingCapacity: true)
        }
        if self.events.count > self.capacity {
            let excess = self.events.count - self.capacity
            self.droppedCount += excess
            self.events.removeFirst(excess)
        }
    }
}
