import Logging
import SSHDAuditCore
import ServiceLifecycle
import Systemd
import UnixSignals

/// The daemon: runs an audit cycle when systemd reports a change of the ssh units, when sshd logs
/// something, and at least every poll interval as a safety net; reloads its configuration on SIGHUP;
/// tells systemd it is ready, alive and stopping.
///
/// Wake-ups and why (nothing else wakes it: a quiet sshd costs one cycle per poll interval and no more):
/// - a PropertiesChanged signal for the ssh units (through ``UnitWatcher``): a cycle at once, so "sshd went
///   down" reaches the journal in milliseconds;
/// - new input in sshd's log (``Auditor/watchLog()``: the journal's inotify descriptor, or inotify on
///   auth.log): the log is read ``logSettleDelay`` later, and a cycle runs when it held sshd events. Reads are
///   at least ``logReadInterval`` apart: a line or a burst is read within a moment, a flood once a second, so a
///   flood costs one read and one cycle per second however many lines it brings;
/// - the poll interval (and half the watchdog interval, whichever is shorter): a full cycle regardless, for
///   what no event announces (sshd_config edited, /run/sshd removed, a host key gone, the MaxStartups gauge,
///   another process on the port).
///
/// A unit entering a transitional state (activating, deactivating, reloading) wakes nothing: during
/// `systemctl restart ssh` those states last a few hundred milliseconds, and a cycle then would raise and
/// resolve "starting" alerts and see /run/sshd removed while systemd still calls the unit active. The state
/// the unit settles in brings its own signal. Nor does any other wake-up run a cycle while the units, read
/// just before it, show a transition (an event can be stale: a restart passes through inactive/dead for an
/// instant): it waits, for at most ``transitionGrace`` (capped at half the cycle interval), so a unit stuck
/// in a transition is still reported.
public struct AuditService: Service {
    /// Why the loop woke up.
    enum Wakeup: Sendable {
        case unit(UnitEvent)
        case reload
        /// sshd's log has new input.
        case log
        /// The earliest deadline passed: a poll, a deferred log read, the end of a grace.
        case deadline
    }

    private let auditor: Auditor
    private let loader: ConfigurationLoader
    private let notifier: Notifier
    private let watchUnits: Bool
    private let busAddress: String?
    private let logger: Logger

    /// - Parameters:
    ///   - auditor: runs the cycles and owns their state.
    ///   - loader: reads the configuration again on SIGHUP.
    ///   - notifier: sd_notify; a no-op outside systemd.
    ///   - watchUnits: subscribe to the units' PropertiesChanged signals (off: poll only, for comparison).
    ///   - busAddress: a D-Bus address for tests; `nil` for the system bus.
    public init(
        auditor: Auditor,
        loader: ConfigurationLoader,
        notifier: Notifier = Notifier(),
        watchUnits: Bool = true,
        busAddress: String? = nil,
        logger: Logger
    ) {
        self.auditor = auditor
        self.loader = loader
        self.notifier = notifier
        self.watchUnits = watchUnits
        self.busAddress = busAddress
        self.logger = logger
    }

    public func run() async throws {
        // SIGHUP is trapped before READY=1: systemd accepts `systemctl reload` from the moment the service is
        // ready, and until the signal is trapped its default action ends the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // The first cycle proves every source works (or says which does not) before READY=1.
        let first = await self.auditor.runCycle()
        self.log(first, reason: "start")
        self.notify(.ready, .status(Self.statusLine(first)))

        let configuration = await self.auditor.currentConfiguration
        var interval = self.cycleInterval(configuration)
        let (wakeups, continuation) = AsyncStream.makeStream(of: Wakeup.self, bufferingPolicy: .bufferingNewest(256))

        var watcher: UnitWatcher?
        if self.watchUnits {
            let units = configuration.effectiveSSHUnits
            let names = units + units.compactMap(UnitStateReader.socketName(forService:))
            do {
                watcher = try UnitWatcher(unitNames: names, address: self.busAddress)
            } catch {
                self.logger.error("cannot watch the ssh units; polling only", metadata: ["error": "\(error)"])
            }
        }
        let logInput = await self.auditor.watchLog()

        await withTaskGroup(of: Void.self) { group in
            if let watcher {
                group.addTask {
                    for await event in watcher.events { continuation.yield(.unit(event)) }
                }
            }
            group.addTask {
                for await _ in hangups { continuation.yield(.reload) }
            }
            group.addTask {
                for await _ in logInput { continuation.yield(.log) }
            }

            var timer = DeadlineTimer { continuation.yield(.deadline) }
            var lastCycle = ContinuousClock.now
            var lastLogRead = ContinuousClock.now
            // When the log is to be read next; `nil`: when it announces input. Now, once: input written between
            // the first cycle's read and the start of the watch is not announced.
            var logDue: ContinuousClock.Instant? = .now
            // Watched units in a transitional state, by id, with when they entered it: unit and log wake-ups
            // wait for them to settle, and so does the poll, for a moment (``transitionGrace``).
            var settling: [String: ContinuousClock.Instant] = [:]
            // Whether the bus is known to be gone: the watcher retries with backoff and reports each failed
            // attempt, but only the first loss is news (a warning and a cycle that reports "unknown").
            var busLost = false
            timer.schedule(at: logDue)
            for await wakeup in wakeups.cancelOnGracefulShutdown() {
                var reason: String?
                var cycleRan = false
                switch wakeup {
                case .unit(.changed(let status)):
                    if Self.isTransitional(status) {
                        if settling[status.id] == nil { settling[status.id] = ContinuousClock.now }
                    } else {
                        settling[status.id] = nil
                        reason = "\(status.id) \(status.activeState)/\(status.subState)"
                    }
                case .unit(.connected(let statuses)):
                    let now = ContinuousClock.now
                    settling = Dictionary(statuses.filter(Self.isTransitional).map { ($0.id, now) }) { first, _ in first
                    }
                    if busLost { self.logger.notice("system bus connected again") }
                    busLost = false
                    reason = "bus connected"
                case .unit(.disconnected(let error, let retryAfter)):
                    let metadata: Logger.Metadata = ["error": "\(error)", "retry.after": "\(retryAfter)"]
                    if busLost {
                        self.logger.debug("system bus still unreachable", metadata: metadata)
                    } else {
                        self.logger.warning("system bus unreachable; retrying with backoff", metadata: metadata)
                        busLost = true
                        reason = "bus lost"
                    }
                case .reload:
                    interval = await self.reload() ?? interval
                    reason = "reload"
                case .log:
                    // Read in a moment (the rest of a burst is written meanwhile), or, when the last read was less
                    // than a second ago, once the second is up. The watch stays quiet until that read.
                    let due = max(ContinuousClock.now + Self.logSettleDelay, lastLogRead + Self.logReadInterval)
                    logDue = min(logDue ?? due, due)
                case .deadline:
                    break
                }
                let grace = min(Self.transitionGrace, interval / 2)
                if reason == nil, let due = logDue, ContinuousClock.now >= due {
                    lastLogRead = ContinuousClock.now
                    // While a unit settles, the events wait in the window for the cycle its settling brings.
                    if await self.auditor.pollLog() > 0 && settling.isEmpty { reason = "log" }
                    // A read is bounded: a backlog is worked off a second at a time, like a flood.
                    logDue = await self.auditor.hasPendingLogInput ? lastLogRead + Self.logReadInterval : nil
                }
                if reason == nil, ContinuousClock.now - lastCycle >= interval {
                    // A poll landing in the few hundred milliseconds of `systemctl restart ssh` would raise
                    // "ssh.service is starting" and resolve it a moment later: it waits for the unit to settle,
                    // but not for long, so a stuck unit is still reported.
                    let waiting = settling.values.min().map { ContinuousClock.now - $0 < grace } ?? false
                    if !waiting { reason = "poll" }
                }
                if let reason {
                    // An event reports the state systemd signalled, and the cycle reads the units a moment later:
                    // `systemctl restart ssh` passes through inactive/dead for an instant, and the cycle that woke
                    // read activating/start-pre and raised "starting" (seen in the fault suite). Whatever woke it,
                    // a cycle waits while a unit is in transition, within the grace. The units read for this
                    // are the ones the cycle starts from.
                    let units = await self.auditor.readUnits()
                    var deferred = false
                    if let moving = units.unitInTransition {
                        let since = settling[moving] ?? ContinuousClock.now
                        settling[moving] = since
                        deferred = ContinuousClock.now - since < grace
                    } else {
                        // Nothing moves: an entry whose settling event never came must not hold log wake-ups.
                        settling = [:]
                    }
                    if !deferred {
                        lastCycle = ContinuousClock.now
                        lastLogRead = lastCycle
                        let cycle = await self.auditor.runCycle(units: units)
                        // The cycle read the log too; a backlog it left is read a second later.
                        logDue = await self.auditor.hasPendingLogInput ? lastLogRead + Self.logReadInterval : nil
                        self.log(cycle, reason: reason)
                        self.notify(.watchdog, .status(Self.statusLine(cycle)))
                        cycleRan = true
                    }
                }
                // The cycle and its findings are freed by now: their pages go back instead of waiting, resident,
                // for the next cycle (thousands of findings under a flood).
                if cycleRan { MallocTuning.releaseFreeMemory() }
                timer.schedule(
                    at: Self.nextDeadline(
                        logDue: logDue,
                        pollDue: lastCycle + interval,
                        settlingSince: settling.values.min(),
                        grace: grace
                    )
                )
            }
            timer.cancel()
            watcher?.stop()
            group.cancelAll()
        }
        continuation.finish()
        self.notify(.stopping)
    }

    /// The earliest of: the due log read, and the poll (held back while a unit settles, until its grace ends).
    static func nextDeadline(
        logDue: ContinuousClock.Instant?,
        pollDue: ContinuousClock.Instant,
        settlingSince: ContinuousClock.Instant?,
        grace: Duration
    ) -> ContinuousClock.Instant {
        var poll = pollDue
        if let settlingSince, pollDue < settlingSince + grace { poll = settlingSince + grace }
        return min(logDue ?? poll, poll)
    }

    // MARK: - Helpers

    /// The shortest time between two reads of sshd's log prompted by its input: log-based alerts lag at most
    /// this much behind a burst, and a flood costs one read and at most one cycle per interval.
    static let logReadInterval: Duration = .seconds(1)

    /// How long the first read after a quiet spell waits once the log announces input. sshd writes several
    /// lines per event (a connection, a failed login and its disconnect; the unit's stop) and a scanner many in
    /// a row: read at once, the first line would cost a read and a cycle of its own, and the rest would wait
    /// for the next ``logReadInterval``. journald itself announces appends up to 250 ms late.
    static let logSettleDelay: Duration = .milliseconds(100)

    /// How long a due poll waits for a unit in a transitional state to settle. `systemctl restart ssh` passes
    /// through deactivating and activating in well under a second; the grace is capped at half the cycle
    /// interval, so the watchdog (twice the interval at least) is always fed in time.
    static let transitionGrace: Duration = .seconds(3)

    /// Whether systemd is moving the unit between states (`activating`, `deactivating`, `reloading`).
    static func isTransitional(_ status: UnitStatus) -> Bool {
        ["activating", "deactivating", "reloading"].contains(status.activeState)
    }

    /// A full cycle at least this often: the poll interval, and under half the watchdog interval so a
    /// healthy daemon is never killed by systemd.
    private func cycleInterval(_ configuration: AuditorConfiguration) -> Duration {
        var interval = configuration.pollInterval
        if let watchdog = try? self.notifier.watchdogInterval() {
            interval = min(interval, watchdog / 2)
        }
        return max(interval, .milliseconds(100))
    }

    /// Reads the configuration again; keeps the running one when the new one has errors.
    private func reload() async -> Duration? {
        self.notify(.reloading)
        defer { self.notify(.ready) }
        do {
            // The loader throws when any line has an error (each named by file:line in the error), so what
            // comes back here can only carry warnings.
            let loaded = try self.loader.load()
            for diagnostic in loaded.diagnostics {
                self.logger.warning("\(diagnostic)")
            }
            await self.auditor.reload(loaded.configuration)
            self.logger.notice("configuration reloaded", metadata: ["files": "\(loaded.files.joined(separator: " "))"])
            return self.cycleInterval(loaded.configuration)
        } catch {
            self.logger.error(
                "cannot reload the configuration; keeping the running one",
                metadata: ["error": "\(error)"]
            )
            return nil
        }
    }

    private func notify(_ states: NotifyState...) {
        do {
            _ = try self.notifier.notify(states)
        } catch {
            self.logger.warning("sd_notify failed", metadata: ["error": "\(error)"])
        }
    }

    private func log(_ cycle: Auditor.Cycle, reason: String) {
        for problem in cycle.problems {
            self.logger.debug("source problem", metadata: ["problem": "\(problem)"])
        }
        self.logger.debug(
            "cycle",
            metadata: [
                "audit.reason": "\(reason)",
                "audit.severity": "\(cycle.report.severity)",
                "audit.transitions": "\(cycle.transitions.count)",
            ]
        )
    }

    /// The one line `systemctl status sshd-auditor` shows.
    static func statusLine(_ cycle: Auditor.Cycle) -> String {
        let problems = cycle.report.problems
        guard let worst = problems.first else { return "SSH healthy" }
        let others = problems.count > 1 ? " (+\(problems.count - 1) more)" : ""
        return "\(worst.severity.label): \(worst.check.rawValue): \(worst.summary)\(others)"
    }
}
