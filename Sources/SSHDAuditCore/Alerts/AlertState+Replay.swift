extension AlertState {
    /// Applies the alert entries the journal holds but the saved state does not: those written under `mark`'s
    /// identity with a higher number, in the order they were written. The daemon calls this once at start, so
    /// its first cycle continues from what the journal says rather than from a state saved one cycle too early
    /// (see ``AlertJournalMark``). Entries of another identity, or already included, are ignored, so passing
    /// too many is harmless; `mark` ends at the last entry applied.
    ///
    /// Each entry sets the alert's phase the way ``update(with:at:alertOnUnknown:)`` did when it emitted the
    /// transition, with the entry's time for the update's:
    /// - `raised` (new, or back after the re-raise interval): raised since then, with the entry's finding;
    /// - `raised` with a previous severity (a severity change of a raised alert): still raised since it was
    ///   first raised, with the new finding;
    /// - `resolved`: resolved then, keeping the finding the alert was raised with (the entry's fields describe
    ///   the healthy state); an alert the state did not know gets the entry's own finding.
    ///
    /// - Returns: the entries applied, in order.
    @discardableResult
    public mutating func replay(_ entries: [JournaledAlert], mark: inout AlertJournalMark) -> [JournaledAlert] {
        let pending =
            entries
            .filter { $0.stateID == mark.stateID && $0.generation > mark.generation }
            .sorted { $0.generation < $1.generation }
        var applied: [JournaledAlert] = []
        for entry in pending where entry.generation > (applied.last?.generation ?? mark.generation) {
            self.apply(entry.transition, at: entry.time)
            applied.append(entry)
        }
        if let last = applied.last { mark.generation = last.generation }
        return applied
    }

    /// Sets the record of `transition`'s alert as the update that emitted it at `time` left it.
    private mutating func apply(_ transition: AlertTransition, at time: Duration) {
        let key = transition.key
        switch transition.kind {
        case .raised:
            if transition.previousSeverity != nil, var record = self.records[key], case .raised = record.phase {
                record.finding = transition.finding
                self.records[key] = record
            } else {
                self.records[key] = Record(phase: .raised(since: time), finding: transition.finding)
            }
        case .resolved:
            var record = self.records[key] ?? Record(phase: .resolved(at: time), finding: transition.finding)
            record.phase = .resolved(at: time)
            self.records[key] = record
        }
    }
}
