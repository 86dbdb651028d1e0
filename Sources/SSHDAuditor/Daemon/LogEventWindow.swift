import SSHDAuditCore

/// The sshd log events of the last `duration`, which the window-based checks (failure bursts, drop lines)
/// count. Bounded in count as well as time, so a flood cannot grow memory without limit: past `capacity`
/// the oldest events go first, and ``droppedCount`` says how many. Only the kinds some check reads are kept:
/// successful logins and ordinary disconnects, the bulk of a busy server's log, would only fill it.
///
/// Each event's text is cut to ``SSHDLogEvent/maximumTextBytes`` (no line sshd writes is longer), so the
/// bound is in bytes as well: at most `capacity` x (an event's fixed size + 1 KiB of text + a 255-byte host
/// name), under 30 MiB at the default 20,000 and a few MiB for real sshd lines, whatever the log's rate. A
/// burst check needs only its threshold (10 by default) of recent failures per source, so a full window
/// still detects every burst; it undercounts the largest ones.
struct LogEventWindow {
    /// The kinds the checks read (see Sources/SSHDAuditCore/Checks); everything else is not kept.
    static let retainedKinds: Set<SSHDLogEventKind> = [
        .failedPassword, .failedPublickey, .failedOther, .invalidUser,
        .maxStartupsBegin, .maxStartupsThrottling, .dropConnection, .dropRateLimited,
        .badModesFile, .badModesDirectory, .bindFailed, .missingPrivilegeSeparationDirectory, .noHostKeys,
    ]

    private(set) var events: [TimedLogEvent] = []
    private(set) var droppedCount = 0
    var duration: Duration
    let capacity: Int

    init(duration: Duration, capacity: Int = 20_000) {
        self.duration = duration
        self.capacity = capacity
    }

    /// Adds events (in log order) and forgets those older than the window before `now`.
    mutating func append(_ newEvents: [TimedLogEvent], now: Duration) {
        self.events.append(
            contentsOf: newEvents.lazy
                .filter { Self.retainedKinds.contains($0.event.kind) }
                .map { TimedLogEvent(time: $0.time, event: $0.event.bounded()) }
        )
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
