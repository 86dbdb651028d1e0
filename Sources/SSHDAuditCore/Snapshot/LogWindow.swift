/// What the window-based checks need of sshd's recent log, kept in memory that a flood cannot grow: counts
/// rather than events, and the events themselves only for the rare kinds whose text a check reports.
///
/// - authentication failures (failed password, publickey, other methods, invalid users) per source address,
///   over ``AuditorConfiguration/authFailureBurstWindow``: up to ``maximumSources`` addresses (of
///   ``maximumSourceBytes`` of text in all) counted separately, the failures of any further address counted as
///   "other sources" so the total stays right;
/// - StrictModes refusals ("bad ownership or modes") per path, over ``AuditorConfiguration/logWindow``: up to
///   ``maximumPaths`` paths, the rest likewise counted together;
/// - connections dropped past MaxStartups, over the log window;
/// - the last ``eventsPerRareKind`` events of each of ``rareKinds`` (bind failures, a missing privilege
///   separation directory, no host keys, MaxStartups throttling lines) in the log window, with their text cut
///   to ``SSHDLogEvent/maximumTextBytes``.
///
/// Counts are kept in one-second buckets (``BucketedCounts``), so a window's edge is exact for whole-second
/// stamps and leaves out the oldest partial second for the journal's microsecond stamps. An event stamped
/// after the time it is recorded at (a clock ahead, a forged line) is counted at that time.
///
/// Bound: ``maximumBytes(failureWindow:logWindow:)`` bytes on the heap, whatever the log's rate; with the
/// default one-minute windows that is 2,148,160 bytes (2.0 MiB): 1.88 MiB for 4,096 source addresses, 0.09 MiB
/// for 64 paths of up to 1 KiB, 0.08 MiB for the drops and the rare events (LogWindowTests prints it). Past two
/// minutes the buckets grow longer instead of more numerous, so no window costs more than 3,147,520 bytes
/// (3.0 MiB). When the window empties, the storage is released.
public struct LogWindow: Sendable, Hashable {
    /// The most source addresses whose failures are counted separately.
    public static let maximumSources = 4096
    /// The most paths whose StrictModes refusals are counted separately.
    public static let maximumPaths = 64
    /// How many events of each rare kind are kept (the checks read the last one, or whether there is one).
    public static let eventsPerRareKind = 4
    /// The kinds kept as events.
    public static let rareKinds: Set<SSHDLogEventKind> = [
        .bindFailed, .missingPrivilegeSeparationDirectory, .noHostKeys, .maxStartupsBegin, .maxStartupsThrottling,
    ]
    /// The kinds counted as authentication failures (a scanner that only probes user names never gets to a
    /// "Failed" line, so invalid users count too).
    public static let failureKinds: Set<SSHDLogEventKind> = [
        .failedPassword, .failedPublickey, .failedOther, .invalidUser,
    ]
    /// The text of the source addresses counted separately, in all: 45 bytes each (an IPv6 address with an
    /// embedded IPv4 address, the longest the classifier accepts) for ``maximumSources`` of them.
    static let maximumSourceBytes = 45 * 4096

    /// Failures are counted over this.
    public private(set) var failureWindow: Duration
    /// Everything else is kept over this.
    public private(set) var logWindow: Duration
    private var failures: BucketedCounts<UInt16>
    private var refusals: BucketedCounts<UInt16>
    /// 4-byte counts: one rate-limit line can stand for any number of drops.
    private var drops: BucketedCounts<UInt32>
    /// The rare events, in log order, at most ``eventsPerRareKind`` of each kind.
    private var rareEvents: [TimedLogEvent] = []
    /// The time of the last ``advance(to:)``.
    private var now: Duration?

    /// An empty window.
    public init(failureWindow: Duration, logWindow: Duration) {
        self.failureWindow = failureWindow
        self.logWindow = logWindow
        self.failures = BucketedCounts(
            window: failureWindow,
            maximumKeys: Self.maximumSources,
            maximumKeyBytes: Self.maximumSourceBytes
        )
        self.refusals = BucketedCounts(
            window: logWindow,
            maximumKeys: Self.maximumPaths,
            maximumKeyBytes: Self.maximumPaths * SSHDLogEvent.maximumTextBytes
        )
        self.drops = BucketedCounts(window: logWindow, maximumKeys: 0)
    }

    /// An empty window with `configuration`'s windows.
    public init(configuration: AuditorConfiguration) {
        self.init(failureWindow: configuration.authFailureBurstWindow, logWindow: configuration.logWindow)
    }

    /// The window holding `events` (in log order) as recorded at `now`, with `configuration`'s windows.
    public init(_ events: some Sequence<TimedLogEvent>, now: Duration, configuration: AuditorConfiguration) {
        self.init(configuration: configuration)
        self.advance(to: now)
        for event in events { self.record(event.event, at: event.time) }
    }

    /// The longest of the two windows: how far back a reader of sshd's log must look to fill this.
    public var longestWindow: Duration { max(self.failureWindow, self.logWindow) }

    // MARK: - Recording

    /// Moves the window's end to `now`, forgetting what left it. An earlier time changes nothing.
    public mutating func advance(to now: Duration) {
        guard self.now.map({ now > $0 }) ?? true else { return }
        self.now = now
        self.failures.advance(to: now)
        self.refusals.advance(to: now)
        self.drops.advance(to: now)
        let since = now - self.logWindow
        if self.rareEvents.contains(where: { $0.time < since }) {
            self.rareEvents.removeAll { $0.time < since }
        }
    }

    /// Records one event logged at `time`; the kinds no check reads are ignored. Call ``advance(to:)`` first:
    /// an event after the window's end is counted at the end.
    public mutating func record(_ event: SSHDLogEvent, at time: Duration) {
        let counted = self.now.map { min(time, $0) } ?? time
        switch event.kind {
        case .failedPassword, .failedPublickey, .failedOther, .invalidUser:
            guard let address = event.address else { return }
            self.failures.add(address, at: counted)
        case .badModesFile, .badModesDirectory:
            let path = event.path.map { Self.prefix($0, bytes: SSHDLogEvent.maximumTextBytes) } ?? "?"
            self.refusals.add(path, at: counted)
        case .dropConnection where event.dropReason == "MaxStartups":
            self.drops.add(nil, at: counted)
        case .dropRateLimited where event.dropReason == "MaxStartups":
            self.drops.add(nil, at: counted, count: event.count ?? 1)
        case let kind where Self.rareKinds.contains(kind):
            if self.now.map({ time < $0 - self.logWindow }) ?? false { return }
            if self.rareEvents.lazy.filter({ $0.event.kind == kind }).count >= Self.eventsPerRareKind,
                let oldest = self.rareEvents.firstIndex(where: { $0.event.kind == kind })
            {
                self.rareEvents.remove(at: oldest)
            }
            self.rareEvents.append(TimedLogEvent(time: time, event: event.bounded()))
        default:
            return
        }
    }

    /// Changes the windows (a reloaded configuration), keeping what was counted.
    public mutating func setWindows(failureWindow: Duration, logWindow: Duration) {
        if failureWindow != self.failureWindow {
            self.failures = self.failures.resized(window: failureWindow)
            self.failureWindow = failureWindow
        }
        if logWindow != self.logWindow {
            self.refusals = self.refusals.resized(window: logWindow)
            self.drops = self.drops.resized(window: logWindow)
            self.logWindow = logWindow
        }
    }

    // MARK: - Queries

    /// Authentication failures per source address counted from `since` (to the end of the failure window at
    /// most), and those of addresses beyond ``maximumSources`` together.
    public func authFailures(since: Duration) -> (bySource: [String: Int], otherSources: Int) {
        let counts = self.failures.counts(since: since)
        return (counts.byKey, counts.others)
    }

    /// StrictModes refusals per path (`?` when the line named none) from `since`, and those of paths beyond
    /// ``maximumPaths`` together.
    public func strictModesRefusals(since: Duration) -> (byPath: [String: Int], otherPaths: Int) {
        let counts = self.refusals.counts(since: since)
        return (counts.byKey, counts.others)
    }

    /// Connections sshd logged dropping past MaxStartups from `since`: one per drop line, N for a rate-limit
    /// line's "additional N connections dropped".
    public func maxStartupsDrops(since: Duration) -> Int {
        self.drops.total(since: since)
    }

    /// The last kept event of `kinds` (rare kinds only) logged at or after `since`.
    public func lastEvent(_ kinds: Set<SSHDLogEventKind>, since: Duration) -> SSHDLogEvent? {
        self.rareEvents.last { $0.time >= since && kinds.contains($0.event.kind) }?.event
    }

    // MARK: - Bound

    /// The most bytes a window can hold on the heap, whatever the log's rate (see the type's comment).
    public static func maximumBytes(failureWindow: Duration, logWindow: Duration) -> Int {
        let sources = BucketedCounts<UInt16>.maximumBytes(
            window: failureWindow,
            maximumKeys: Self.maximumSources,
            maximumKeyBytes: Self.maximumSourceBytes
        )
        let paths = BucketedCounts<UInt16>.maximumBytes(
            window: logWindow,
            maximumKeys: Self.maximumPaths,
            maximumKeyBytes: Self.maximumPaths * SSHDLogEvent.maximumTextBytes
        )
        let drops = BucketedCounts<UInt32>.maximumBytes(window: logWindow, maximumKeys: 0, maximumKeyBytes: 0)
        // Each kept event: its inline size, up to 1 KiB of text and a host name over at most 10 strings (one heap
        // object each: a 32-byte header, 16 bytes of malloc overhead), in an array grown by doubling.
        let event =
            MemoryLayout<TimedLogEvent>.stride + SSHDLogEvent.maximumTextBytes
            + SSHDLogEvent.maximumHostBytes + 10 * 48
        let rare = 2 * Self.rareKinds.count * Self.eventsPerRareKind * event
        return sources + paths + drops + rare
    }

    /// The bytes this window holds on the heap now, by the same layout (for tests).
    var storageBytes: Int {
        self.failures.storageBytes + self.refusals.storageBytes + self.drops.storageBytes
            + self.rareEvents.capacity * MemoryLayout<TimedLogEvent>.stride
    }

    /// The number of source addresses counted separately now.
    var sourceCount: Int { self.failures.keyCount }

    /// The longest prefix of `text` of at most `bytes` UTF-8 bytes that ends on a character boundary.
    private static func prefix(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        return SSHDLogEvent(kind: .other, path: text).bounded(textBytes: bytes).path ?? ""
    }
}
