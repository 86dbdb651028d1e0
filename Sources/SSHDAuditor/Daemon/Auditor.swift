import Glibc
import Logging
import SSHDAuditCore
import Systemd

/// One audit cycle and the state that carries from one cycle to the next: the alerts raised, the position
/// in sshd's log and what the checks need of its recent lines (a ``LogWindow``), the bus connection.
///
/// `run`, `status` (when no daemon runs) and `check` all go through ``runCycle()``; only the daemon passes
/// sinks, so a one-shot diagnosis never writes alerts or state.
public actor Auditor {
    /// What one cycle produced.
    public struct Cycle: Sendable {
        /// Everything the cycle read.
        public var snapshot: AuditSnapshot
        /// Every check's result.
        public var report: HealthReport
        /// Alerts raised or resolved by this cycle (empty when nothing changed).
        public var transitions: [AlertTransition]
        /// Sources that could not be read.
        public var problems: [String]
        /// Diagnostics of the on-disk sshd configuration.
        public var configDiagnostics: [ParseDiagnostic]
    }

    /// Where a cycle's results go. All optional: `check` uses none.
    public struct Sinks: Sendable {
        /// Writes raised/resolved alerts to the journal.
        public var journal: JournalWriter?
        /// Keeps alert state and log position across restarts (the unit's StateDirectory).
        public var persistState: Bool
        /// Writes `status.json` (the unit's RuntimeDirectory).
        public var writeStatusFile: Bool

        public init(journal: JournalWriter? = nil, persistState: Bool = false, writeStatusFile: Bool = false) {
            self.journal = journal
            self.persistState = persistState
            self.writeStatusFile = writeStatusFile
        }
    }

    /// The file names under the configured directories.
    public static let statusFileName = "status.json"
    public static let alertStateFileName = "alerts.state"

    private var configuration: AuditorConfiguration
    private let sinks: Sinks
    private let logger: Logger
    private let units: UnitStateReader
    private var logSource: (any SSHDLogEventSource)?
    private var logSourceProblem: String?
    private var window: LogWindow
    /// Log stamps to instants, without a time zone lookup per line.
    private var stamps = LogStampResolver()
    private var alerts: AlertState
    /// The last alert entry ``alerts`` includes, saved with it and carried by every entry (``AlertJournalMark``);
    /// `nil` when the state is not persisted.
    private var journalMark: AlertJournalMark?
    /// The last `sshd -t` verdict, reused while nothing it reads has changed.
    private var configTestMemo: SnapshotCollector.ConfigTestMemo?
    /// The last cycle's listening sockets, whose owners the next cycle reuses while they still hold.
    private var lastListeners: [ListeningSocket]?
    private let logMode: LogMode
    private var recentLogSourceName = "not read yet"
    /// Where readiness of sshd's log is announced, once ``watchLog()`` was called.
    private var logSignals: AsyncStream<Void>.Continuation?
    /// Waits for the log source's readiness; replaced with the source.
    private var logWatcher: ReadinessWatcher?
    /// The descriptor ``logWatcher`` polls, to tell when the source's readiness names another one.
    private var logWatcherDescriptor: Int32?

    /// How a cycle reads sshd's log.
    public enum LogMode: Sendable {
        /// Follow it from a saved position, each event once (the daemon).
        case follow
        /// Read the last `logWindow` of it afresh each cycle (one-shot runs, which have no position).
        case recentWindow
    }

    /// - Parameters:
    ///   - logMode: how to read sshd's log.
    ///   - busAddress: a D-Bus address for tests; `nil` for the system bus.
    public init(
        configuration: AuditorConfiguration,
        sinks: Sinks = Sinks(),
        logMode: LogMode = .follow,
        busAddress: String? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.sinks = sinks
        self.logger = logger
        self.logMode = logMode
        self.units = UnitStateReader(candidates: configuration.effectiveSSHUnits, busAddress: busAddress)
        self.window = LogWindow(configuration: configuration)
        self.alerts = AlertState(reraiseInterval: configuration.reraiseInterval)
        if sinks.persistState {
            // Before the first cycle: the entries a kill left unsaved are applied, so none is written twice.
            let loaded = AlertStateLoader.load(
                configuration: configuration,
                journal: sinks.journal == nil ? nil : .system,
                logger: logger
            )
            self.alerts = loaded.state
            self.journalMark = loaded.mark
        }
    }

    deinit {
        // The watcher polls a descriptor the log source owns: it stops before the source can close it (stored
        // properties go in declaration order, the source first).
        self.logWatcher?.stop()
    }

    /// Replaces the configuration (SIGHUP). The log position and the raised alerts carry over.
    public func reload(_ configuration: AuditorConfiguration) {
        let logChanged =
            configuration.logSource != self.configuration.logSource
            || configuration.authLogPath != self.configuration.authLogPath
        self.configuration = configuration
        self.window.setWindows(
            failureWindow: configuration.authFailureBurstWindow,
            logWindow: configuration.logWindow
        )
        self.alerts.reraiseInterval = configuration.reraiseInterval
        if logChanged { self.closeLogSource() }
    }

    /// The configuration in force.
    public var currentConfiguration: AuditorConfiguration { self.configuration }

    /// Where sshd's log is read from, for `status`.
    public var logSourceName: String {
        switch self.logMode {
        case .follow: self.logSource?.name ?? "none"
        case .recentWindow: self.recentLogSourceName
        }
    }

    /// The ssh units as one read over the bus saw them: what ``runCycle(units:)`` starts from, and whether
    /// systemd is moving one between states right now.
    public struct UnitReading: Sendable {
        let units: UnitStateReader.Units

        /// The name of the ssh service or socket unit when systemd is moving it between states (activating,
        /// deactivating, reloading); `nil` when both are settled or could not be read. A unit restarting after
        /// a crash (activating/auto-restart) counts as settled: that is a state the checks must see.
        public var unitInTransition: String? {
            for unit in [self.units.service, self.units.socket].compactMap({ $0 })
            where ["activating", "deactivating", "reloading"].contains(unit.activeState)
                && unit.subState != "auto-restart"
            {
                return unit.name
            }
            return nil
        }
    }

    /// Reads the ssh units over the bus, for the daemon to decide whether to run a cycle now
    /// (``UnitReading/unitInTransition``) and to hand to ``runCycle(units:)``, which then does not read them again.
    public func readUnits() -> UnitReading {
        UnitReading(units: self.units.read())
    }

    /// Reads every source, runs the checks, updates the alert state and feeds the sinks.
    ///
    /// - Parameter reading: the units as ``readUnits()`` read them just before; `nil` reads them now, and so
    ///   does a reading that failed: the failed call dropped the connection, and a new one may well work (dbus
    ///   restarted a moment ago), where reporting the units as unknown would raise alerts for nothing.
    public func runCycle(units reading: UnitReading? = nil) -> Cycle {
        let now = WallClock.now()
        let units = reading.flatMap { $0.units.problem == nil ? $0.units : nil } ?? self.units.read()
        var problems: [String] = units.problem.map { [$0] } ?? []

        let logWindow: LogWindow?
        switch self.logMode {
        case .follow:
            logWindow = self.readNewLogEvents(now: now, problems: &problems) == nil ? nil : self.window
        case .recentWindow:
            let recent = RecentLogEvents.read(configuration: self.configuration, now: now)
            logWindow = recent.window
            self.recentLogSourceName = recent.source
            if let problem = recent.problem { problems.append(problem) }
        }

        let collector = SnapshotCollector(configuration: self.configuration)
        var collected = collector.collect(
            time: now,
            service: units.service,
            socket: units.socket,
            logWindow: logWindow,
            previousConfigTest: self.configTestMemo,
            previousListeners: self.lastListeners
        )
        // The other sources are read after the units, `sshd -t` taking tens of milliseconds in between: a unit
        // that changed state meanwhile makes a snapshot of two moments (sshd read as running, then /run/sshd
        // found already removed by its stop: "missing while sshd runs"). Such a snapshot is taken again, once,
        // from the state the unit moved to. Whether a unit moved is asked cheaply (one property per unit, its
        // StateChangeTimestamp); only then are the units read in full again.
        if self.units.changed(since: units) {
            let settled = self.units.read()
            if settled.problem == nil, settled.service != units.service || settled.socket != units.socket {
                collected = collector.collect(
                    time: now,
                    service: settled.service,
                    socket: settled.socket,
                    logWindow: logWindow,
                    previousConfigTest: collected.configTestMemo,
                    previousListeners: collected.snapshot.listeners
                )
            }
        }
        self.configTestMemo = collected.configTestMemo
        self.lastListeners = collected.snapshot.listeners
        problems += collected.problems
        let report = HealthChecks.evaluate(collected.snapshot)
        let transitions = self.alerts.update(
            with: report.findings,
            at: now,
            alertOnUnknown: self.configuration.alertOnUnknown
        )
        self.deliver(transitions: transitions, report: report, snapshot: collected.snapshot, problems: problems)
        return Cycle(
            snapshot: collected.snapshot,
            report: report,
            transitions: transitions,
            problems: problems,
            configDiagnostics: collected.configDiagnostics
        )
    }

    /// Whether the log source stopped early last time and has more to read now.
    public var hasPendingLogInput: Bool { self.logSource?.hasPendingInput ?? false }

    // MARK: - Log

    /// Starts announcing that sshd's log has new input: the stream yields when the log source's readiness
    /// descriptor (the journal's inotify descriptor, or inotify on auth.log) becomes ready, then not again
    /// until the log was read (``pollLog()`` or a cycle), so the daemon chooses how often it reads. A quiet
    /// log costs no wake-up. Follow mode only; call once (a second call ends the first stream).
    ///
    /// Input that arrived before the watch started is not announced: read the log once after this.
    public func watchLog() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.logSignals?.finish()
        self.logSignals = continuation
        if let source = self.logSource {
            self.startLogWatcher(for: source)
        } else if self.openLogSource() == nil {
            self.startLogWatcher(for: nil)
        }
        return stream
    }

    /// Reads sshd's log events written since the last read into the window, without running the checks;
    /// returns how many arrived. The daemon calls this when ``watchLog()`` announces input (at most once a
    /// second), and runs a cycle when it returns more than zero, so a log line reaches the checks within a
    /// second without a full cycle for every line.
    public func pollLog() -> Int {
        guard self.logMode == .follow else { return 0 }
        // Problems are not logged here, once a second: the next cycle reports them in the status file.
        var problems: [String] = []
        return self.readNewLogEvents(now: WallClock.now(), problems: &problems) ?? 0
    }

    /// New events since the last read, added to the window; `nil` when the log cannot be read (the checks
    /// that need it then say "unknown").
    @discardableResult
    private func readNewLogEvents(now: Duration, problems: inout [String]) -> Int? {
        guard let source = self.openLogSource() else {
            problems.append(self.logSourceProblem ?? "sshd's log cannot be read")
            self.logWatcher?.rearm(timeout: Self.logRetryInterval)
            return nil
        }
        if let follower = source as? AuthLogFollower {
            // Classic syslog stamps carry no year: read them against today's, which changes at New Year.
            let today = LocalDate.current()
            follower.classicYear = .latestNotAfter(year: today.year, month: today.month)
        }
        self.window.advance(to: now)
        // Bounded per call: a backlog is worked off over several calls instead of stalling this one. Read in small
        // batches: a batch's events are held at once (a few hundred bytes each), and malloc keeps what a large one
        // took (a 20,000-event batch left 8 MiB of free heap in the daemon's RSS under a flood). The position is
        // saved once, after the run.
        var count = 0
        for _ in 0..<160 {
            do {
                let events = try source.readNewEvents(limit: 1_024, savingPosition: false)
                for event in events {
                    var time = now
                    if let stamp = event.timestamp, let instant = self.stamps.instant(of: stamp) { time = instant }
                    self.window.record(event, at: time)
                }
                count += events.count
            } catch {
                // The batches read before the failure are in the window: their position is kept.
                source.savePosition()
                problems.append("\(source.name): \(error)")
                self.closeLogSource()
                return nil
            }
            if !source.hasPendingInput { break }
        }
        source.savePosition()
        for notice in source.takeNotices() {
            self.logger.notice("\(notice.message)", metadata: ["log.source": "\(source.name)"])
        }
        self.rearmLogWatcher(for: source)
        return count
    }

    private func openLogSource() -> (any SSHDLogEventSource)? {
        if let source = self.logSource { return source }
        let choice = LogSourceSelector.choose(
            mode: self.configuration.logSource,
            filePath: self.configuration.authLogPath
        )
        let today = LocalDate.current()
        do {
            let source = try LogSourceSelector.makeSource(
                for: choice,
                stateDirectory: self.sinks.persistState ? self.configuration.stateDirectory : nil,
                classicYear: .latestNotAfter(year: today.year, month: today.month)
            )
            self.logger.info(
                "reading sshd's log",
                metadata: ["log.source": "\(source.name)", "log.reason": "\(choice)"]
            )
            self.logSource = source
            self.logSourceProblem = nil
            if self.logSignals != nil { self.startLogWatcher(for: source) }
            return source
        } catch {
            self.logSourceProblem = "sshd's log: \(error)"
            return nil
        }
    }

    /// Forgets the log source (after an error, or a reload that changed it); the next read opens it again.
    /// While the log is watched, a timer stands in for the source's readiness, so that read comes within a
    /// second rather than at the next poll.
    private func closeLogSource() {
        self.stopLogWatcher()
        self.logSource = nil
        if self.logSignals != nil { self.startLogWatcher(for: nil) }
    }

    /// Waits for `source`'s readiness, or (without a source) for ``logRetryInterval``, then yields to
    /// ``logSignals``.
    private func startLogWatcher(for source: (any SSHDLogEventSource)?) {
        self.stopLogWatcher()
        guard let continuation = self.logSignals else { return }
        let readiness = source?.readiness() ?? .every(Self.logRetryInterval)
        do {
            self.logWatcher = try ReadinessWatcher(
                descriptor: readiness.descriptor,
                events: readiness.events,
                timeout: readiness.timeout
            ) { continuation.yield(()) }
            self.logWatcherDescriptor = readiness.descriptor
        } catch {
            // No thread: the poll interval's cycles still read the log; log-based alerts lag by that much.
            self.logger.error("cannot watch sshd's log; reading it every cycle only", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for the source again after a read consumed what made it ready.
    private func rearmLogWatcher(for source: any SSHDLogEventSource) {
        guard let watcher = self.logWatcher else { return }
        let readiness = source.readiness()
        if readiness.descriptor == self.logWatcherDescriptor {
            watcher.rearm(timeout: readiness.timeout)
        } else {
            self.startLogWatcher(for: source)
        }
    }

    private func stopLogWatcher() {
        self.logWatcher?.stop()
        self.logWatcher = nil
        self.logWatcherDescriptor = nil
    }

    /// How soon a log source that could not be opened, or failed, is tried again while the log is watched.
    static let logRetryInterval: Duration = .seconds(1)

    // MARK: - Sinks

    private func deliver(
        transitions: [AlertTransition],
        report: HealthReport,
        snapshot: AuditSnapshot,
        problems: [String]
    ) {
        if let journal = self.sinks.journal {
            for transition in transitions {
                let identity = self.journalMark?.advance() ?? []
                let fields = (transition.journalFields + identity).compactMap { field in
                    JournalField(field.name).map { ($0, field.value) }
                }
                do {
                    try journal.send(fields)
                } catch {
                    self.logger.error("cannot write alert", metadata: ["error": "\(error)"])
                }
            }
        }
        if self.sinks.persistState && !transitions.isEmpty {
            self.saveAlertState()
        }
        if self.sinks.writeStatusFile {
            self.writeStatusFile(report: report, snapshot: snapshot, problems: problems)
        }
        if let path = self.configuration.prometheusTextfile, !path.isEmpty {
            do {
                try StateFile(path: path).write(PrometheusTextfile.render(report: report, snapshot: snapshot))
            } catch {
                self.logger.error("cannot write the Prometheus textfile", metadata: ["error": "\(error)"])
            }
        }
    }

    private func writeStatusFile(report: HealthReport, snapshot: AuditSnapshot, problems: [String]) {
        let document = StatusDocument(
            report: report,
            time: snapshot.time,
            pid: getpid(),
            pollInterval: self.configuration.pollInterval,
            unit: snapshot.service?.name ?? self.configuration.effectiveSSHUnits.first ?? "ssh.service",
            logSource: self.logSourceName,
            problems: problems
        )
        let path = self.configuration.runtimeDirectory + "/" + Self.statusFileName
        do {
            try StateFile(path: path).write { output in try document.write(to: output) }
        } catch {
            self.logger.error("cannot write the status file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    private func saveAlertState() {
        guard let mark = self.journalMark else { return }
        AlertStateLoader.save(
            self.alerts,
            mark: mark,
            path: AlertStateLoader.path(self.configuration),
            logger: self.logger
        )
    }
}
