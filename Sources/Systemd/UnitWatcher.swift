import CSystemd
import Glibc

/// Watches systemd units over D-Bus and reports each state change as it happens, reconnecting with
/// exponential backoff when the bus goes away.
///
/// ``events`` yields ``UnitEvent/connected(_:)`` with the current state once subscribed, then
/// ``UnitEvent/changed(_:)`` whenever systemd signals `PropertiesChanged` for one of the units (only when the
/// state actually differs from what was last reported), and ``UnitEvent/disconnected(_:retryAfter:)`` while
/// the bus is unreachable (for example while dbus restarts).
///
/// The watcher owns its own bus connection on a dedicated thread, because waiting for the bus blocks the
/// calling thread and an sd-bus connection must stay on one thread: blocking a Swift concurrency thread
/// would starve the cooperative pool. The thread waits in `poll(2)` on the bus and on its stop flag, so it
/// wakes only when a message arrives or a stop is asked for (no periodic wake-ups while the units are
/// quiet). ``stop()`` (also called by `deinit` and when the stream's consumer goes away) ends the thread at
/// once and closes the connection.
public final class UnitWatcher: Sendable {
    /// The units' state changes; finishes after ``stop()``.
    public let events: AsyncStream<UnitEvent>

    private let worker: WorkerThread

    /// Starts watching `unitNames` (names or aliases, such as `ssh.service`, `sshd.service`, `ssh.socket`).
    ///
    /// - Parameters:
    ///   - unitNames: the units to watch.
    ///   - address: the bus address; `nil` for the system bus (see ``SystemBus/init(address:callTimeout:)``).
    ///   - initialBackoff: the first wait before reconnecting; it doubles up to `maximumBackoff` and resets
    ///     once connected.
    ///   - maximumBackoff: the longest wait between reconnection attempts.
    /// - Throws: ``SystemdError`` when the watcher thread cannot be created (`pthread_create`).
    public init(
        unitNames: [String],
        address: String? = nil,
        initialBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(5)
    ) throws(SystemdError) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: UnitEvent.self,
            bufferingPolicy: .bufferingNewest(1024)
        )
        self.events = stream
        self.worker = try WorkerThread.feeding(continuation) { stop in
            WatchLoop(
                unitNames: unitNames,
                address: address,
                initialBackoff: initialBackoff,
                maximumBackoff: maximumBackoff,
                continuation: continuation,
                stop: stop
            ).run()
        }
    }

    deinit {
        self.stop()
    }

    /// Stops watching: waits for the thread to end, which closes the bus connection and finishes ``events``.
    /// Idempotent.
    public func stop() {
        // The thread finishes the stream itself; joining guarantees the connection is closed on return.
        self.worker.stop()
    }
}

/// The watcher thread's state: made on that thread and never shared with another.
private final class WatchLoop {
    let unitNames: [String]
    let address: String?
    let initialBackoff: Duration
    let maximumBackoff: Duration
    let continuation: AsyncStream<UnitEvent>.Continuation
    let stop: StopFlag

    /// Object paths signalled since the last drain, in arrival order; filled by the C callback.
    var signalledPaths: [String] = []
    /// The last state reported per unit object path, so repeated signals for one change yield one event.
    var lastReported: [String: UnitStatus] = [:]

    init(
        unitNames: [String],
        address: String?,
        initialBackoff: Duration,
        maximumBackoff: Duration,
        continuation: AsyncStream<UnitEvent>.Continuation,
        stop: StopFlag
    ) {
        self.unitNames = unitNames
        self.address = address
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.continuation = continuation
        self.stop = stop
    }

    func run() {
        var backoff = self.initialBackoff
        while !self.stop.isSet {
            do throws(SystemdError) {
                try self.watchUntilDisconnected {
                    backoff = self.initialBackoff
                }
            } catch {
                if self.stop.isSet { break }
                self.continuation.yield(.disconnected(error, retryAfter: backoff))
                WorkerThread.sleep(backoff, unless: self.stop)
                backoff = min(backoff * 2, self.maximumBackoff)
            }
        }
        self.continuation.finish()
    }

    /// Connects, subscribes, reports the current state, then dispatches signals until the bus fails (throws)
    /// or a stop is requested (returns).
    private func watchUntilDisconnected(onConnected: () -> Void) throws(SystemdError) {
        let bus = try SystemBus(address: self.address)
        // Resolve aliases first: systemd signals on the unit's own path (`ssh.service`), not the alias's.
        var unitPaths: [String: String] = [:]
        for name in self.unitNames {
            let id = try bus.unitStatus(named: name).id
            unitPaths[try SystemBus.unitPath(for: id)] = name
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        for path in unitPaths.keys {
            // A NULL slot makes the match "floating": it lives exactly as long as the connection.
            try check("sd_bus_match_signal") {
                sd_bus_match_signal(
                    bus.handle,
                    nil,
                    "org.freedesktop.systemd1",
                    path,
                    "org.freedesktop.DBus.Properties",
                    "PropertiesChanged",
                    { message, userdata, _ in
                        guard let userdata, let path = sd_bus_message_get_path(message) else { return 0 }
                        Unmanaged<WatchLoop>.fromOpaque(userdata).takeUnretainedValue()
                            .signalledPaths.append(String(cString: path))
                        return 0
                    },
                    context
                )
            }
        }
        try bus.subscribeToUnitSignals()
        self.lastReported = [:]
        var current: [UnitStatus] = []
        for (path, name) in unitPaths.sorted(by: { self.order($0.value) < self.order($1.value) }) {
            let status = try bus.unitStatus(named: name)
            self.lastReported[path] = status
            current.append(status)
        }
        self.continuation.yield(.connected(current))
        onConnected()

        while !self.stop.isSet {
            let processed = try check("sd_bus_process") { sd_bus_process(bus.handle, nil) }
            if !self.signalledPaths.isEmpty {
                let paths = self.signalledPaths
                self.signalledPaths = []
                for path in paths {
                    guard let name = unitPaths[path] else { continue }
                    let status = try bus.unitStatus(named: name)
                    if self.lastReported[path] != status {
                        self.lastReported[path] = status
                        self.continuation.yield(.changed(status))
                    }
                }
            }
            // More may be queued: process again before sleeping.
            if processed > 0 { continue }
            try self.wait(for: bus)
        }
    }

    /// Blocks until the bus has something to process or a stop is asked for: what `sd_bus_wait(3)` does, with
    /// the stop flag's descriptor in the same `poll(2)` set.
    ///
    /// The corresponding C functions are `sd_bus_get_fd(3)`, `sd_bus_get_events(3)` and
    /// `sd_bus_get_timeout(3)`.
    private func wait(for bus: SystemBus) throws(SystemdError) {
        let descriptor = try check("sd_bus_get_fd") { sd_bus_get_fd(bus.handle) }
        let events = try check("sd_bus_get_events") { sd_bus_get_events(bus.handle) }
        var deadline: UInt64 = 0
        try check("sd_bus_get_timeout") { sd_bus_get_timeout(bus.handle, &deadline) }
        self.stop.wakeup.poll(
            [(descriptor, Int16(truncatingIfNeeded: events))],
            timeout: MonotonicTime.untilDeadline(microseconds: deadline)
        )
    }

    private func order(_ name: String) -> Int { self.unitNames.firstIndex(of: name) ?? Int.max }
}
