import Glibc
import Synchronization
import SystemPackage

/// An OS thread for a blocking libsystemd loop (`sd_bus_wait`, `sd_journal_wait`), outside Swift's cooperative
/// thread pool, which must never block; each sd-bus or sd-journal handle then lives on exactly one thread.
///
/// The body returns once ``StopFlag/isSet``: it either waits in `poll(2)` with the flag's
/// ``StopFlag/descriptor`` in the set (no wake-up until there is something to do), or blocks for at most
/// ``WorkerThread/pollInterval`` at a time and looks at the flag in between. ``stop()`` sets it and joins the
/// thread; `deinit` does the same.
final class WorkerThread: Sendable {
    /// The longest a body that does not poll the stop flag's descriptor may block between two looks at the flag.
    static let pollInterval: Duration = .milliseconds(200)

    /// Set to ask the body to return; the body's own stream termination handlers may set it too.
    let stopFlag: StopFlag
    private let handle = Mutex<pthread_t?>(nil)

    /// Starts `body` on a new thread.
    /// - Throws: ``SystemdError`` naming `pthread_create` when the thread cannot be created.
    init(_ body: @escaping @Sendable (StopFlag) -> Void) throws(SystemdError) {
        let flag = try StopFlag()
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

    /// Asks the body to return and waits until it has (at once for a body that polls the flag's descriptor,
    /// about ``pollInterval`` at most otherwise). Idempotent; must not be called from the thread itself.
    func stop() {
        self.stopFlag.set()
        let thread = self.handle.withLock { current in
            defer { current = nil }
            return current
        }
        if let thread { pthread_join(thread, nil) }
    }

    /// Sleeps for `duration`, returning as soon as `flag` is set.
    static func sleep(_ duration: Duration, unless flag: StopFlag) {
        let deadline = ContinuousClock.now + duration
        while !flag.isSet, ContinuousClock.now < deadline {
            flag.wakeup.poll([], timeout: deadline - ContinuousClock.now)
        }
    }

    /// The closure, boxed to cross into C as a context pointer.
    private final class Job: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

/// A flag a worker thread looks at; set from any thread. Setting it also makes ``descriptor`` readable, so a
/// worker blocked in `poll(2)` with it in the set wakes at once.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    /// The pipe that wakes a worker blocked in `poll(2)`.
    let wakeup: WakeupPipe

    /// - Throws: ``SystemdError`` naming `pipe` when no pipe can be made.
    init() throws(SystemdError) {
        self.wakeup = try WakeupPipe()
    }

    /// Readable once the flag is set: put it in the worker's `poll(2)` set (`POLLIN`).
    var descriptor: CInt { self.wakeup.descriptor }

    /// Asks the worker to stop.
    func set() {
        self.value.store(true, ordering: .releasing)
        self.wakeup.wake()
    }

    /// Whether a stop was asked for.
    var isSet: Bool { self.value.load(ordering: .acquiring) }
}
