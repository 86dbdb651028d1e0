import Testing

@testable import SSHDAuditCore

/// The daemon writes an alert's journal entry, then saves its state: these replay what a kill in between
/// leaves (the saved state one cycle behind, the journal holding that cycle's entries) and check the restarted
/// state machine carries on exactly as the one that was killed would have.
@Suite("Alert state replay from the journal")
struct AlertStateReplayTests {
    let down = Finding(
        check: .sshdDown,
        severity: .critical,
        summary: "ssh.service is inactive (dead): since: now",
        fields: ["SSHD_UNIT": "ssh.service", "SSHD_UNIT_STATE": "inactive/dead"]
    )
    let up = Finding(
        check: .sshdDown,
        severity: .ok,
        summary: "ssh.service is active",
        fields: ["SSHD_UNIT": "ssh.service", "SSHD_UNIT_STATE": "active/running"]
    )
    let throttling = Finding(
        check: .maxStartupsThrottling,
        severity: .warning,
        summary: "3 of 2-3 startups",
        fields: ["SSHD_STARTUPS": "3"]
    )
    let burst = Finding(
        check: .authFailureBurst,
        severity: .warning,
        summary: "12 failures from 192.0.2.7\nin 1min (raised): x",
        subject: "192.0.2.7",
        fields: ["SSHD_SOURCE_ADDRESS": "192.0.2.7", "SSHD_FAILURES": "12"]
    )
    let mark = AlertJournalMark(stateID: "00112233445566778899aabbccddeeff", generation: 7)

    /// A daemon in miniature: the state machine, its mark, and the journal it writes to.
    struct Daemon {
        var state: AlertState
        var mark: AlertJournalMark
        /// Every entry written, as the reader gets it back: fields (with some of journald's own) and a time.
        var journal: [(fields: [String: String], microseconds: UInt64)] = []

        /// One cycle: the transitions' entries are written, each with the next number.
        mutating func cycle(_ findings: [Finding], at seconds: Int64) -> [AlertTransition] {
            let transitions = self.state.update(with: findings, at: .seconds(seconds))
            for transition in transitions {
                var fields: [String: String] = ["_PID": "42", "_BOOT_ID": "b00t", "__CURSOR": "s=1"]
                for field in transition.journalFields + self.mark.advance() { fields[field.name] = field.value }
                self.journal.append((fields, UInt64(seconds) * 1_000_000))
            }
            return transitions
        }

        /// The journal's entries read back as alerts.
        var entries: [JournaledAlert] {
            self.journal.compactMap { JournaledAlert(fields: $0.fields, realtimeMicroseconds: $0.microseconds) }
        }
    }

    func describe(_ transitions: [AlertTransition]) -> [String] {
        transitions.map { "\($0.kind.rawValue) \($0.key) \($0.finding.severity)" }
    }

    // MARK: - Reading entries back

    @Test("an entry reads back as the transition it announced, for every kind of raise")
    func raisedRoundTrip() throws {
        var severe = self.throttling
        severe.severity = .critical
        let transitions = [
            AlertTransition(kind: .raised, finding: self.down),
            AlertTransition(kind: .raised, finding: severe, previousSeverity: .warning),
            AlertTransition(kind: .raised, finding: self.burst, suppressedRaises: 3),
        ]
        var mark = self.mark
        for transition in transitions {
            var fields: [String: String] = ["_UID": "999"]
            for field in transition.journalFields + mark.advance() { fields[field.name] = field.value }
            let alert = try #require(JournaledAlert(fields: fields, realtimeMicroseconds: 1_500_000))
            #expect(alert.transition == transition)
            #expect(alert.stateID == self.mark.stateID)
            #expect(alert.generation == mark.generation)
            #expect(alert.time == .milliseconds(1500))
        }
        #expect(mark.generation == 10)
    }

    @Test("a resolved entry reads back with its summary and fields; its severity reads ok (the entry has no other)")
    func resolvedRoundTrip() throws {
        let transition = AlertTransition(kind: .resolved, finding: self.burst)
        var mark = self.mark
        var fields: [String: String] = [:]
        for field in transition.journalFields + mark.advance() { fields[field.name] = field.value }
        let alert = try #require(JournaledAlert(fields: fields, realtimeMicroseconds: 0))
        var expected = self.burst
        expected.severity = .ok
        #expect(alert.transition == AlertTransition(kind: .resolved, finding: expected))
    }

    @Test(
        "entries that are not alerts written under a state identity, or do not read as one, are refused",
        arguments: [
            ("SSHD_AUDITOR_STATE_ID", nil),
            ("SSHD_AUDITOR_STATE_ID", "not-hex"),
            ("SSHD_AUDITOR_STATE_GENERATION", nil),
            ("SSHD_AUDITOR_STATE_GENERATION", "-1"),
            ("SSHD_AUDITOR_CHECK", "no-such-check"),
            ("SSHD_AUDITOR_TRANSITION", "exploded"),
            ("SSHD_AUDITOR_STATE", "dire"),
            ("SSHD_AUDITOR_PREVIOUS_STATE", "dire"),
            ("SSHD_AUDITOR_SUPPRESSED_RAISES", "many"),
            ("MESSAGE", "sshd-down raised (warning): the severity disagrees"),
            ("MESSAGE", nil),
        ] as [(String, String?)]
    )
    func refused(field: String, value: String?) {
        var mark = self.mark
        var fields: [String: String] = [:]
        for field in AlertTransition(kind: .raised, finding: self.down).journalFields + mark.advance() {
            fields[field.name] = field.value
        }
        #expect(JournaledAlert(fields: fields, realtimeMicroseconds: 0) != nil)
        fields[field] = value
        #expect(JournaledAlert(fields: fields, realtimeMicroseconds: 0) == nil)
    }

    // MARK: - A kill between the journal write and the state save

    @Test(
        "killed after writing a cycle's entries, before saving: the replayed state is the one that was not saved",
        arguments: 1...6
    )
    func killInTheWindow(killedAfterCycle: Int) {
        var severe = self.throttling
        severe.severity = .critical
        // Raises, a severity change, a resolution and a raise in one cycle, two resolutions, a comeback within
        // the re-raise interval (held: nothing written, so nothing saved either), a re-raise once the interval
        // passed, counting the held comeback.
        let cycles: [(findings: [Finding], at: Int64)] = [
            ([self.down, self.throttling], 0),
            ([self.down, severe], 10),
            ([self.up, severe, self.burst], 20),
            ([self.up], 30),
            ([self.down], 40),
            ([self.down, self.burst], 100),
        ]
        var live = Daemon(state: AlertState(reraiseInterval: .seconds(60)), mark: self.mark)
        var saved = live
        for (index, cycle) in cycles.enumerated() {
            _ = live.cycle(cycle.findings, at: cycle.at)
            if index + 1 < killedAfterCycle { saved = live }
        }
        // The restarted daemon: the last saved state and mark, the journal as the live one left it.
        var restarted = saved
        restarted.journal = live.journal
        let wasBehind = restarted.mark.generation < live.mark.generation
        let applied = restarted.state.replay(live.entries, mark: &restarted.mark)
        #expect(wasBehind == !applied.isEmpty)
        #expect(restarted.mark == live.mark)
        // What the journal says is in the state. Forgetting a resolution whose interval has passed writes nothing,
        // so the restarted state may still hold such a one: the next cycle forgets it.
        let known = restarted.state.records.filter { live.state.records[$0.key] != nil }
        #expect(known == live.state.records)
        for (key, record) in restarted.state.records where live.state.records[key] == nil {
            #expect(record.phase == .resolved(at: .seconds(30)), "\(key)")
        }

        // And both carry on alike: what one writes, the other writes, and nothing twice.
        for later in [([self.down, self.burst], Int64(110)), ([self.up], 120), ([self.down], 300)] {
            #expect(describe(restarted.cycle(later.0, at: later.1)) == describe(live.cycle(later.0, at: later.1)))
        }
    }

    @Test("without the replay, the same kill writes the transition again: the gap this closes")
    func withoutReplay() {
        var live = Daemon(state: AlertState(reraiseInterval: .seconds(60)), mark: self.mark)
        let saved = live
        #expect(describe(live.cycle([self.down], at: 0)) == ["raised sshd-down critical"])
        var restarted = saved
        #expect(describe(restarted.cycle([self.down], at: 5)) == ["raised sshd-down critical"])
        restarted = saved
        restarted.state.replay(live.entries, mark: &restarted.mark)
        #expect(restarted.cycle([self.down], at: 5).isEmpty)
    }

    @Test("killed after the save: every entry is already in the state, nothing is applied twice")
    func savedAlready() {
        var live = Daemon(state: AlertState(reraiseInterval: .seconds(60)), mark: self.mark)
        _ = live.cycle([self.down, self.throttling], at: 0)
        _ = live.cycle([self.up, self.throttling], at: 10)
        var restarted = live
        let applied = restarted.state.replay(live.entries, mark: &restarted.mark)
        #expect(applied.isEmpty)
        #expect(restarted.state == live.state)
        #expect(restarted.mark == live.mark)
    }

    @Test("entries of another state identity (an earlier state, before the directory was lost) are ignored")
    func otherIdentity() {
        var old = Daemon(state: AlertState(reraiseInterval: .seconds(60)), mark: self.mark)
        _ = old.cycle([self.down], at: 0)
        var fresh = Daemon(
            state: AlertState(reraiseInterval: .seconds(60)),
            mark: AlertJournalMark(stateID: "ffeeddccbbaa99887766554433221100")
        )
        let applied = fresh.state.replay(old.entries, mark: &fresh.mark)
        #expect(applied.isEmpty)
        #expect(fresh.state.records.isEmpty)
        #expect(fresh.mark.generation == 0)
    }

    @Test("entries are applied in the order of their numbers, however they are passed")
    func order() {
        var live = Daemon(state: AlertState(reraiseInterval: .seconds(1)), mark: self.mark)
        let saved = live
        _ = live.cycle([self.down], at: 0)
        _ = live.cycle([self.up], at: 10)
        _ = live.cycle([self.down], at: 20)
        var restarted = saved
        let applied = restarted.state.replay(live.entries.reversed() + live.entries, mark: &restarted.mark)
        #expect(applied.map(\.generation) == [8, 9, 10])
        #expect(restarted.state == live.state)
    }

    @Test("a resolution of an alert the saved state did not know still counts for the re-raise interval")
    func resolvedUnknownAlert() {
        var state = AlertState(reraiseInterval: .seconds(60))
        var mark = self.mark
        var fields: [String: String] = [:]
        for field in AlertTransition(kind: .resolved, finding: self.down).journalFields + mark.advance() {
            fields[field.name] = field.value
        }
        var restartedMark = self.mark
        let entry = JournaledAlert(fields: fields, realtimeMicroseconds: 10_000_000)
        state.replay([entry].compactMap { $0 }, mark: &restartedMark)
        #expect(restartedMark.generation == 8)
        // Back within the interval: held, not raised.
        #expect(state.update(with: [self.down], at: .seconds(20)).isEmpty)
        #expect(describe(state.update(with: [self.down], at: .seconds(70))) == ["raised sshd-down critical"])
    }

    // MARK: - The mark in the state file

    @Test("the mark's line follows the records and reads back; the records parse as before")
    func markInStateFile() throws {
        var daemon = Daemon(state: AlertState(reraiseInterval: .seconds(60)), mark: self.mark)
        _ = daemon.cycle([self.down, self.burst], at: 3)
        let text = daemon.state.serialized() + daemon.mark.line
        #expect(text.hasSuffix("\njournal id=00112233445566778899aabbccddeeff generation=9\n"))
        let (mark, rest) = AlertJournalMark.split(stateFile: text)
        #expect(mark == daemon.mark)
        let parsed = AlertState.parse(rest, reraiseInterval: .seconds(60))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.value == daemon.state)
    }

    @Test("a state file without a (valid) mark has none; bad lines keep their line numbers")
    func noMark() {
        let old = "sshd-auditor-alert-state 1\nraised check=sshd-down severity=critical time=5 subject= summary=down\n"
        #expect(AlertJournalMark.split(stateFile: old).mark == nil)
        #expect(AlertJournalMark.split(stateFile: old).rest == old)
        let damaged = """
            sshd-auditor-alert-state 1
            journal id=XYZ generation=3
            raised check=no-such-check severity=critical time=5
            """
        let (mark, rest) = AlertJournalMark.split(stateFile: damaged)
        #expect(mark == nil)
        #expect(AlertState.parse(rest, reraiseInterval: .seconds(1)).diagnostics.map(\.line) == [3])
        #expect(AlertJournalMark.split(stateFile: "journal id=00112233445566778899aabbccddeeff\n").mark == nil)
    }

    @Test("a fresh identity is 32 lower-case hex digits, another each time")
    func freshIdentity() {
        var generator = SystemRandomNumberGenerator()
        let first = AlertJournalMark.fresh(using: &generator)
        let second = AlertJournalMark.fresh(using: &generator)
        #expect(AlertJournalMark.isStateID(Substring(first.stateID)))
        #expect(first.stateID != second.stateID)
        #expect(first.generation == 0)
        #expect(first.journalMatch == "SSHD_AUDITOR_STATE_ID=\(first.stateID)")
    }
}
