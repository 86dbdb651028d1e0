/// One pending wake-up of the daemon's loop at a deadline: ``schedule(at:)`` replaces the previous one, so the
/// loop sleeps until the earliest thing it has to do (the next poll, a deferred log read, the end of a
/// transition grace) and not a moment more often.
///
/// Why not a periodic timer: a tick every second costs a wake-up every second even when there is nothing to do.
struct DeadlineTimer {
    private let fire: @Sendable () -> Void
    private var task: Task<Void, Never>?
    private var deadline: ContinuousClock.Instant?

    /// - Parameter fire: called (from a task) when the deadline passes, unless it was rescheduled first.
    init(fire: @escaping @Sendable () -> Void) {
        self.fire = fire
    }

    /// Fires at `deadline` (at once if it has passed), or never when `nil`; replaces the previous deadline. The
    /// same future deadline again keeps the pending wake-up; a past one always fires (again).
    mutating func schedule(at deadline: ContinuousClock.Instant?) {
        if deadline == self.deadline, let deadline, deadline > .now { return }
        if deadline == nil, self.deadline == nil { return }
        self.task?.cancel()
        self.task = nil
        self.deadline = deadline
        guard let deadline else { return }
        let fire = self.fire
        self.task = Task {
            // Cancelled (rescheduled or stopped): the sleep throws and nothing fires.
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            fire()
        }
    }

    /// Cancels the pending wake-up.
    mutating func cancel() {
        self.schedule(at: nil)
    }
}
