import Testing

@testable import SSHDAuditCore

@Suite("Alert state")
struct AlertStateTests {
    let down = Finding(
        check: .sshdDown,
        severity: .critical,
        summary: "ssh.service is failed",
        fields: ["SSHD_UNIT": "ssh.service"]
    )
    let throttling = Finding(
        check: .maxStartupsThrottling,
        severity: .warning,
        summary: "3 of 2-3 startups",
        fields: ["SSHD_STARTUPS": "3"]
    )
    let ok = Finding(check: .configInvalid, severity: .ok, summary: "sshd -t passes")

    func describe(_ transitions: [AlertTransition]) -> [String] {
        transitions.map { "\($0.kind.rawValue) \($0.key)" }
    }

    @Test("a new problem is raised once, not once per poll, and resolved once")
    func raiseOnceResolveOnce() {
        var state = AlertState(reraiseInterval: .seconds(60))
        #expect(describe(state.update(with: [self.ok], at: .seconds(0))) == [])
        #expect(describe(state.update(with: [self.down, self.ok], at: .seconds(5))) == ["raised sshd-down"])
        for t in 2...10 {
            #expect(state.update(with: [self.down], at: .seconds(5 * t)).isEmpty)
        }
        let resolved = state.update(with: [self.ok], at: .seconds(100))
        #expect(describe(resolved) == ["resolved sshd-down"])
        #expect(resolved.first?.finding.fields["SSHD_UNIT"] == "ssh.service")
        #expect(resolved.first?.messageID == CheckID.sshdDown.resolvedMessageID)
        #expect(resolved.first?.journalPriority == 6)
        #expect(state.update(with: [self.ok], at: .seconds(105)).isEmpty)
    }

    @Test("the resolved entry carries the check's facts now, where it reported them, and the problem's summary")
    func resolvedCarriesCurrentFacts() throws {
        var state = AlertState(reraiseInterval: .seconds(60))
        let moved = Finding(
            check: .portMismatch,
            severity: .critical,
            summary: "expected port 22 not served by sshd",
            fields: ["SSHD_LISTENING_PORTS": "2222", "SSHD_PORT_HOLDER": "none"]
        )
        _ = state.update(with: [moved], at: .seconds(0))
        let back = Finding(
            check: .portMismatch,
            severity: .ok,
            summary: "sshd holds its ports",
            fields: ["SSHD_LISTENING_PORTS": "22"]
        )
        let resolved = try #require(state.update(with: [back], at: .seconds(5)).first)
        #expect(resolved.kind == .resolved)
        #expect(resolved.finding.fields == ["SSHD_LISTENING_PORTS": "22", "SSHD_PORT_HOLDER": "none"])
        #expect(resolved.message == "port-mismatch resolved: was expected port 22 not served by sshd")
    }

    @Test("a severity change is raised again at once, with the previous severity")
    func severityChange() {
        var state = AlertState(reraiseInterval: .seconds(60))
        _ = state.update(with: [self.throttling], at: .seconds(0))
        var worse = self.throttling
        worse.severity = .critical
        let transitions = state.update(with: [worse], at: .seconds(5))
        #expect(describe(transitions) == ["raised maxstartups-throttling"])
        #expect(transitions.first?.previousSeverity == .warning)
        #expect(transitions.first?.journalPriority == 2)
        #expect(state.update(with: [worse], at: .seconds(10)).isEmpty)
    }

    @Test("new figures with the same severity write nothing, but the resolved entry carries the latest")
    func latestFigures() {
        var state = AlertState(reraiseInterval: .seconds(60))
        _ = state.update(with: [self.throttling], at: .seconds(0))
        var more = self.throttling
        more.fields["SSHD_STARTUPS"] = "7"
        #expect(state.update(with: [more], at: .seconds(5)).isEmpty)
        #expect(state.update(with: [], at: .seconds(10)).first?.finding.fields["SSHD_STARTUPS"] == "7")
    }

    @Test("a flapping alert is held within the re-raise interval and raised once it has passed")
    func flapping() {
        var state = AlertState(reraiseInterval: .seconds(60))
        #expect(describe(state.update(with: [self.down], at: .seconds(0))) == ["raised sshd-down"])
        #expect(describe(state.update(with: [], at: .seconds(5))) == ["resolved sshd-down"])
        // Back within the interval: held, nothing written, and nothing to resolve when it goes again.
        #expect(state.update(with: [self.down], at: .seconds(10)).isEmpty)
        #expect(state.update(with: [], at: .seconds(15)).isEmpty)
        #expect(state.update(with: [self.down], at: .seconds(20)).isEmpty)
        #expect(state.raised.isEmpty)
        // Still there once 60 s have passed since the resolution: raised, counting the held comebacks.
        let raised = state.update(with: [self.down], at: .seconds(65))
        #expect(describe(raised) == ["raised sshd-down"])
        #expect(raised.first?.suppressedRaises == 2)
        #expect(state.raised.map(\.check) == [.sshdDown])
        #expect(describe(state.update(with: [], at: .seconds(70))) == ["resolved sshd-down"])
    }

    @Test("a problem that comes back after the interval is raised normally")
    func comesBackLater() {
        var state = AlertState(reraiseInterval: .seconds(60))
        _ = state.update(with: [self.down], at: .seconds(0))
        _ = state.update(with: [], at: .seconds(5))
        let again = state.update(with: [self.down], at: .seconds(70))
        #expect(describe(again) == ["raised sshd-down"])
        #expect(again.first?.suppressedRaises == 0)
    }

    @Test("resolved records are forgotten once the interval has passed")
    func forgetsOldResolutions() {
        var state = AlertState(reraiseInterval: .seconds(60))
        _ = state.update(with: [self.down], at: .seconds(0))
        _ = state.update(with: [], at: .seconds(5))
        #expect(state.records.count == 1)
        _ = state.update(with: [], at: .seconds(66))
        #expect(state.records.isEmpty)
    }

    @Test("findings with different subjects are separate alerts; resolutions come first")
    func subjectsAndOrder() {
        var state = AlertState(reraiseInterval: .seconds(60))
        let a = Finding(check: .authFailureBurst, severity: .warning, summary: "a", subject: "192.0.2.1")
        let b = Finding(check: .authFailureBurst, severity: .warning, summary: "b", subject: "192.0.2.2")
        #expect(
            describe(state.update(with: [b, a], at: .seconds(0))) == [
                "raised auth-failure-burst[192.0.2.1]", "raised auth-failure-burst[192.0.2.2]",
            ]
        )
        #expect(
            describe(state.update(with: [b, self.down], at: .seconds(5))) == [
                "resolved auth-failure-burst[192.0.2.1]", "raised sshd-down",
            ]
        )
    }

    @Test("two findings with one key: the worse one speaks")
    func duplicateKeys() {
        var state = AlertState(reraiseInterval: .seconds(60))
        var critical = self.throttling
        critical.severity = .critical
        let transitions = state.update(with: [self.throttling, critical, self.throttling], at: .zero)
        #expect(transitions.count == 1)
        #expect(transitions.first?.finding.severity == .critical)
    }

    @Test("a monotonic time before the stored one (reboot) counts as long past")
    func clockRestarted() {
        var state = AlertState(reraiseInterval: .seconds(60))
        _ = state.update(with: [self.down], at: .seconds(1000))
        _ = state.update(with: [], at: .seconds(1005))
        #expect(describe(state.update(with: [self.down], at: .seconds(3))) == ["raised sshd-down"])
    }

    @Test("a restarted daemon that loads the saved state neither raises twice nor loses a resolution")
    func survivesRestart() throws {
        var before = AlertState(reraiseInterval: .seconds(60))
        _ = before.update(with: [self.down, self.throttling], at: .seconds(0))
        let text = before.serialized()

        var after = AlertState.parse(text, reraiseInterval: .seconds(60)).value
        #expect(after == before)
        // sshd is still down (no duplicate raise); throttling ended while the daemon was dead (resolved now).
        let transitions = after.update(with: [self.down], at: .seconds(8))
        #expect(describe(transitions) == ["resolved maxstartups-throttling"])
        #expect(transitions.first?.finding.fields["SSHD_STARTUPS"] == "3")
    }

    @Test("AlertOnUnknown=no: unknown raises nothing and neither resolves nor changes a raised alert")
    func unknownIgnored() {
        var state = AlertState(reraiseInterval: .seconds(60))
        var unknown = self.down
        unknown.severity = .unknown
        #expect(state.update(with: [unknown], at: .seconds(0), alertOnUnknown: false).isEmpty)
        #expect(state.records.isEmpty)
        #expect(
            describe(state.update(with: [self.down], at: .seconds(5), alertOnUnknown: false)) == ["raised sshd-down"]
        )
        #expect(state.update(with: [unknown], at: .seconds(10), alertOnUnknown: false).isEmpty)
        #expect(state.raised.map(\.severity) == [.critical])
        #expect(describe(state.update(with: [], at: .seconds(15), alertOnUnknown: false)) == ["resolved sshd-down"])
        // With the default, unknown is a severity like the others.
        var other = AlertState(reraiseInterval: .seconds(60))
        _ = other.update(with: [self.down], at: .seconds(0))
        #expect(other.update(with: [unknown], at: .seconds(5)).first?.previousSeverity == .critical)
    }
}
