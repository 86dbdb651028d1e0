import Glibc
import Synchronization
import SystemPackage

/// An OS thread for a blocking libsystemd loop (`sd_bus_wait`, `sd_journal_wait`), outside Swift's cooperative
/// thread pool, which must never block; each sd-bus or sd-journal handle then lives on exactly one thread.
///
/// The body polls ``StopFlag/isSet`` at least every ``WorkerThread/pollInterval`` and returns when it is set.
/// ``stop()`` sets it and joins the thread; `deinit` does the same.
final class WorkerThread: Sendable {
    /// The longest a body may block between two looks at its stop flag.
    static let pollInterval: Duration = .milliseconds(200)

    /// Set to ask the body to return; the body's own stream termination handlers may set it too.
    let stopFlag: StopFlag
    private let handle = Mutex<pthread_t?>(nil)

    /// Starts `body` on a new thread.
    /// - Throws: ``SystemdError`` naming `pthread_create` when the thread cannot be created.
    init(_ body: @escaping @Sendable (StopFlag) -> Void) throws(SystemdError) {
        let flag = StopFlag()
        self.stopFlag = flag
        let context = Unmanaged.passRetained(Job { body(flag) }).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread,
            nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Job>.fromOpaque(context).takeRetainedValue().run()
                return nil
            },
            context
        )
        guard created == 0 else {
            Unmanaged<Job>.fromOpaque(context).release()
            throw SystemdError(operation: "pthread_create", errno: Errno(rawValue: created))
        }
        self.handle.withLock { $0 = thread }
    }

    deinit {
        self.stop()
    }

    /// Asks the body to return and waits until it has (about ``pollInterval`` at most). Idempotent; must
    /// not be called from the thread itself.
    func stop() {
        self.stopFlag.set()
        let thread = self.handle.withLock { current in
            defer { current = nil }
            return current
        }
        if let thread { pthread_join(thread, nil) }
    }

    /// Sleeps for `duration` in slices of at most ``pollInterval``, returning early once `flag` is set.
    static func sleep(_ duration: Duration, unless flag: StopFlag) {
        let deadline = ContinuousClock.now + duration
        while !flag.isSet, ContinuousClock.now < deadline {
            let slice = min(deadline - ContinuousClock.now, pollInterval)
            var request = timespec(
                tv_sec: Int(slice.components.seconds),
                tv_nsec: Int(slice.components.attoseconds / 1_000_000_000)
            )
            nanosleep(&request, nil)
        }
    }

    /// The closure, boxed to cross into C as a context pointer.
    private final class Job: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

/// A flag a worker thread polls; set from any thread.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Asks the worker to stop.
    func set() { self.value.store(true, ordering: .releasing) }

    /// Whether a stop was asked for.
    var isSet: Bool { self.value.load(ordering: .acquiring) }
}
