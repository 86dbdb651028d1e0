/// A stream's continuation that a ``WorkerThread`` feeds (``WorkerThread/feeding(_:_:)``): `AsyncStream`'s and
/// `AsyncThrowingStream`'s differ here only in their types.
protocol WorkerFedContinuation: Sendable {
    /// Ends the stream without an error.
    func end()
    /// Installs `action` as the stream's termination handler (the consumer went away, or the stream ended).
    func onTerminated(_ action: @escaping @Sendable () -> Void)
}

extension AsyncStream.Continuation: WorkerFedContinuation {
    func end() { self.finish() }
    func onTerminated(_ action: @escaping @Sendable () -> Void) { self.onTermination = { _ in action() } }
}

extension AsyncThrowingStream.Continuation: WorkerFedContinuation {
    func end() { self.finish() }
    func onTerminated(_ action: @escaping @Sendable () -> Void) { self.onTermination = { _ in action() } }
}

extension WorkerThread {
    /// Starts `body` on a new thread that feeds `continuation`'s stream, wired as every such producer must be:
    /// the stream ends when the thread cannot be created (its consumer would wait forever otherwise), and the
    /// thread is asked to stop when the consumer goes away. The body finishes the stream itself.
    /// - Throws: ``SystemdError`` naming `pthread_create` when the thread cannot be created.
    static func feeding(
        _ continuation: some WorkerFedContinuation,
        _ body: @escaping @Sendable (StopFlag) -> Void
    ) throws(SystemdError) -> WorkerThread {
        let worker: WorkerThread
        do {
            worker = try WorkerThread(body)
        } catch {
            continuation.end()
            throw error
        }
        // Only set the flag: joining here could be on the thread itself, which finishes the stream.
        let stop = worker.stopFlag
        continuation.onTerminated { stop.set() }
        return worker
    }
}
