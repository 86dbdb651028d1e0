import SSHDAuditCore

/// Where the daemon gets sshd's log events from: the journal or a syslog file such as `/var/log/auth.log`.
///
/// Each call to ``readNewEvents(limit:)`` returns the events written since the previous call, in order, each
/// exactly once, and persists the new ``position`` (when the source has a state file) so a restarted daemon
/// resumes where it stopped. Trouble that loses or skips lines (a rotated file compressed before it was
/// finished, a corrupt state file) is not an error: the source carries on and reports it through
/// ``takeNotices()``, which the daemon turns into log lines or findings.
///
/// Sources hold open handles and are not `Sendable`: keep one in a single task or actor.
///
/// A daemon cycle:
/// ```swift
/// let choice = LogSourceSelector.choose(mode: .auto, filePath: "/var/log/auth.log")
/// let source = try LogSourceSelector.makeSource(
///     for: choice, stateDirectory: "/var/lib/sshd-auditor", classicYear: .latestNotAfter(year: 2026, month: 11))
/// var events: [SSHDLogEvent] = []
/// repeat { events += try source.readNewEvents(limit: 10_000) } while source.hasPendingInput
/// for notice in source.takeNotices() { logger.warning("\(notice)") }
/// ```
public protocol SSHDLogEventSource: AnyObject {
    /// A short description for logs, such as `journal` or `file /var/log/auth.log`.
    var name: String { get }

    /// Where the next read starts, or `nil` before the first read has chosen a starting point.
    var position: LogSourcePosition? { get }

    /// Whether the last ``readNewEvents(limit:)`` stopped before the end of the input (at `limit` events, or at
    /// the source's per-call read budget): call it again before waiting for new input.
    var hasPendingInput: Bool { get }

    /// The events written since the last call, at most `limit` of them, in the order they were written; with
    /// `savingPosition`, the new position is saved before they are returned.
    ///
    /// A call that throws consumed nothing the caller did not get: the next call returns the same events.
    /// A caller that reads a run of small batches (to hold few events at once) passes `savingPosition: false`
    /// and calls ``savePosition()`` after the run: one state file write (two `fsync`s) a run, not one a batch.
    func readNewEvents(limit: Int, savingPosition: Bool) throws -> [SSHDLogEvent]

    /// Saves the position reached, when it changed since the last save; a failure becomes a
    /// ``LogSourceNotice/Kind/stateNotSaved`` notice.
    func savePosition()

    /// Notices gathered since the last call (rotations, lost lines, state reset), oldest first.
    func takeNotices() -> [LogSourceNotice]

    /// What to wait on before the next ``readNewEvents(limit:)`` (see ``LogReadiness``); ask again after every
    /// read, since the answer may change (a watch re-attached to a new file, another timeout). The first call may
    /// set the notification up: input that arrived before it is not announced, so read once after it.
    func readiness() -> LogReadiness
}

extension SSHDLogEventSource {
    /// The events written since the last call, at most `limit` of them, in order; the new position is saved.
    public func readNewEvents(limit: Int) throws -> [SSHDLogEvent] {
        try self.readNewEvents(limit: limit, savingPosition: true)
    }
}
