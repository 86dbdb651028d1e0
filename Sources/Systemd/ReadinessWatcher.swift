import Glibc
import Synchronization

/// Waits on its own thread for a descriptor to become ready (`poll(2)`) and calls a handler when it does, once
/// per arming: the owner of the descriptor consumes what made it ready (`sd_journal_process(3)` for a journal's
/// descriptor from ``JournalReader/pollDescriptor()``, a `read` for inotify) and then calls ``rearm(timeout:)``.
///
/// Why once per arming: such descriptors are level-triggered and stay ready until their owner consumes the
/// event, which the owner may want to do later (at most once a second, say, during a flood); a watcher that
/// kept polling meanwhile would spin. Between the handler and the next ``rearm(timeout:)`` the thread sleeps
/// without a timeout, and while armed it wakes only when the descriptor is ready or the timeout passes: an
/// idle source costs no wake-up at all.
///
/// The descriptor stays owned by the caller, who must ``stop()`` the watcher before closing it. Without a
/// descriptor the watcher is a timer: the handler runs `timeout` after each arming.
public final class ReadinessWatcher: Sendable {
    /// Whether the handler may run, and the wait's limit; shared by the caller's side and the thread.
    private struct Arming {
        var armed = true
        var timeout: Duration?
    }

    /// What the caller's side and the thread share.
    private final class Shared: Sendable {
        let arming: Mutex<Arming>
        /// Wakes the thread when ``ReadinessWatcher/rearm(timeout:)`` changed the arming.
        let rearmed: WakeupPipe

        init(timeout: Duration?) throws(SystemdError) {
            self.arming = Mutex(Arming(armed: true, timeout: timeout))
            self.rearmed = try WakeupPipe()
        }
    }

    private let shared: Shared
    private let worker: WorkerThread

    /// Starts watching, armed.
    ///
    /// - Parameters:
    ///   - descriptor: the descriptor to poll, or `nil` for a pure timer.
    ///   - events: the `poll(2)` events to wait for (`POLLIN` by default; `sd_journal_get_events(3)` says
    ///     which for a journal).
    ///   - timeout: the longest wait after each arming before the handler runs anyway (`nil`: none); some
    ///     sources need one (a journal on a file system without inotify, see `sd_journal_get_timeout(3)`).
    ///   - onReady: called on the watcher's thread when the descriptor is ready, reports an error or hang-up,
    ///     or the timeout passed; not again until ``rearm(timeout:)``.
    /// - Throws: ``SystemdError`` when the thread or its pipe cannot be created.
    public init(
        descriptor: CInt?,
        events: Int16 = Int16(POLLIN),
        timeout: Duration?,
        onReady: @escaping @Sendable () -> Void
    ) throws(SystemdError) {
        let shared = try Shared(timeout: timeout)
        self.shared = shared
        self.worker = try WorkerThread { stop in
            Self.run(descriptor: descriptor, events: events, shared: shared, stop: stop, onReady: onReady)
        }
    }

    deinit {
        self.stop()
    }

    /// Waits for the descriptor again, for at most `timeout` (`nil`: no limit), after its owner consumed what
    /// made it ready. A descriptor that is still (or again) ready calls the handler at once.
    public func rearm(timeout: Duration?) {
        self.shared.arming.withLock { $0 = Arming(armed: true, timeout: timeout) }
        self.shared.rearmed.wake()
    }

    /// Stops the thread and waits for it to end (at once: it polls the stop flag's pipe). Idempotent; the
    /// handler is not called after this returns.
    public func stop() {
        self.worker.stop()
    }

    /// The thread's loop.
    private static func run(
        descriptor: CInt?,
        events: Int16,
        shared: Shared,
        stop: StopFlag,
        onReady: @Sendable () -> Void
    ) {
        while !stop.isSet {
            let current = shared.arming.withLock { $0 }
            var watched: [(descriptor: CInt, events: Int16)] = [(shared.rearmed.descriptor, Int16(POLLIN))]
            if current.armed, let descriptor { watched.append((descriptor, events)) }
            guard let revents = stop.wakeup.poll(watched, timeout: current.armed ? current.timeout : nil) else {
                continue
            }
            if stop.isSet { break }
            if revents[0] != 0 {
                // Re-armed (perhaps with a new timeout): look at the arming again before waiting.
                shared.rearmed.drain()
                continue
            }
            guard current.armed else { continue }
            let descriptorReady = watched.count > 1 && revents[1] != 0
            let timedOut = revents.allSatisfy { $0 == 0 }
            guard descriptorReady || timedOut else { continue }
            // Disarmed before the handler runs, so a re-arm from inside it (or right after) is never lost.
            shared.arming.withLock { $0.armed = false }
            onReady()
        }
    }
}
