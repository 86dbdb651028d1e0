/// The alert state machine: remembers which alerts are raised and turns each cycle's findings into
/// transitions only, so the journal gets one entry when a problem appears and one when it goes away, never
/// one per poll.
///
/// It is a pure value: the caller passes a monotonic time with each update (no clock is read here), and
/// persists the state with ``serialized()`` / ``parse(_:reraiseInterval:)`` so a restarted daemon neither
/// raises an alert twice nor forgets to resolve one.
///
/// Flapping: when an alert resolved less than ``reraiseInterval`` ago comes back, it is held rather than
/// raised again. If it is still there once the interval has passed since the resolution, it is raised then,
/// with the number of held comebacks; if it goes away again first, nothing is written at all. So every
/// `raised` is followed by exactly one `resolved`, and one problem costs at most two entries per interval.
/// Severity changes of a raised alert are never held: an escalation must be seen at once.
public struct AlertState: Sendable, Hashable {
    /// What the state machine remembers about one alert.
    public struct Record: Sendable, Hashable {
        /// Where the alert is in its life.
        public enum Phase: Sendable, Hashable {
            /// Announced with a `raised` transition at `since`, not resolved yet.
            case raised(since: Duration)
            /// Present again, but the `resolved` announced at `resolvedAt` is too recent to raise it again.
            case held(resolvedAt: Duration)
            /// Announced as resolved at `at`; kept until the re-raise interval has passed, to detect flapping.
            case resolved(at: Duration)
        }

        /// Where the alert is in its life.
        public var phase: Phase
        /// The latest finding seen for it while present (the resolved entry repeats its fields).
        public var finding: Finding
        /// Comebacks held back since it was last announced.
        public var suppressedRaises: Int

        public init(phase: Phase, finding: Finding, suppressedRaises: Int = 0) {
            self.phase = phase
            self.finding = finding
            self.suppressedRaises = suppressedRaises
        }
    }

    /// The shortest time between a `resolved` and the next `raised` of the same alert.
    public var reraiseInterval: Duration
    /// Every alert currently known, raised, held or recently resolved.
    public internal(set) var records: [AlertKey: Record]

    /// An empty state: nothing raised.
    public init(reraiseInterval: Duration, records: [AlertKey: Record] = [:]) {
        self.reraiseInterval = reraiseInterval
        self.records = records
    }

    /// The alerts announced as raised and not yet resolved, in key order.
    public var raised: [Finding] {
        self.records.keys.sorted().compactMap { key in
            guard let record = self.records[key], case .raised = record.phase else { return nil }
            return record.finding
        }
    }

    /// Feeds one cycle's findings (ok ones are ignored) observed at monotonic time `now`, and returns the
    /// transitions to announce, resolved ones first, each group in key order.
    ///
    /// Only findings of checks that ran should be passed: a key missing from `findings` counts as resolved.
    ///
    /// With `alertOnUnknown` false (the `AlertOnUnknown=no` setting), an `unknown` finding raises nothing and
    /// leaves an alert of the same key exactly as it was: not knowing is no reason to resolve, nor to change
    /// a severity.
    public mutating func update(
        with findings: [Finding],
        at now: Duration,
        alertOnUnknown: Bool = true
    ) -> [AlertTransition] {
        var present: [AlertKey: Finding] = [:]
        var undecided: Set<AlertKey> = []
        var healthy: [AlertKey: Finding] = [:]
        for finding in findings where finding.severity == .ok {
            healthy[finding.alertKey] = finding
        }
        for finding in findings where finding.severity != .ok {
            if finding.severity == .unknown && !alertOnUnknown {
                undecided.insert(finding.alertKey)
                continue
            }
            // Two findings with one key: the worse one speaks for the alert.
            if let other = present[finding.alertKey], other.severity >= finding.severity { continue }
            present[finding.alertKey] = finding
        }
        for key in undecided where present[key] == nil {
            guard let record = self.records[key] else { continue }
            switch record.phase {
            case .raised, .held: present[key] = record.finding
            case .resolved: break
            }
        }

        var resolved: [AlertTransition] = []
        var raised: [AlertTransition] = []
        for key in Set(self.records.keys).union(present.keys).sorted() {
            let record = self.records[key]
            switch (record, present[key]) {
            case (nil, let finding?):
                self.records[key] = Record(phase: .raised(since: now), finding: finding)
                raised.append(AlertTransition(kind: .raised, finding: finding))

            case (var record?, let finding?):
                switch record.phase {
                case .raised:
                    let previous = record.finding.severity
                    record.finding = finding
                    if previous != finding.severity {
                        raised.append(AlertTransition(kind: .raised, finding: finding, previousSeverity: previous))
                    }
                case .held(let resolvedAt), .resolved(let resolvedAt):
                    record.finding = finding
                    let passed = self.intervalHasPassed(since: resolvedAt, now: now)
                    // A comeback within the interval is counted once, when it starts.
                    if case .resolved = record.phase, !passed { record.suppressedRaises += 1 }
                    if passed {
                        raised.append(
                            AlertTransition(kind: .raised, finding: finding, suppressedRaises: record.suppressedRaises)
                        )
                        record.phase = .raised(since: now)
                        record.suppressedRaises = 0
                    } else {
                        record.phase = .held(resolvedAt: resolvedAt)
                    }
                }
                self.records[key] = record

            case (var record?, nil):
                switch record.phase {
                case .raised:
                    // The entry keeps the problem's summary (its MESSAGE says "resolved: was ..."), but its fact
                    // fields are today's where the check reported them: the catalog reads them as the state now
                    // ("@SSHD_UNIT@ is active again (@SSHD_UNIT_STATE@)"), so the raised figures were wrong there.
                    var announced = record.finding
                    if let now = healthy[key] { announced.fields.merge(now.fields) { $1 } }
                    resolved.append(AlertTransition(kind: .resolved, finding: announced))
                    record.phase = .resolved(at: now)
                    self.records[key] = record
                case .held(let resolvedAt):
                    // Never announced, so nothing to resolve: back to the resolution that was.
                    record.phase = .resolved(at: resolvedAt)
                    self.records[key] = self.intervalHasPassed(since: resolvedAt, now: now) ? nil : record
                case .resolved(let at):
                    if self.intervalHasPassed(since: at, now: now) { self.records[key] = nil }
                }

            case (nil, nil):
                break
            }
        }
        // Resolutions go first so a log reader sees "A resolved, B raised" when one problem replaces another.
        return resolved + raised
    }

    /// Whether the re-raise interval has passed since `time`. A time in the future means the monotonic clock
    /// started again (the state was persisted before a reboot): the old time then counts as long past.
    private func intervalHasPassed(since time: Duration, now: Duration) -> Bool {
        now < time || now - time >= self.reraiseInterval
    }
}
