import Testing

@testable import SSHDAuditCore

@Suite("Alert state line format")
struct AlertStateSerializationTests {
    @Test("round-trips every phase, awkward text and fields")
    func roundTrip() {
        var state = AlertState(reraiseInterval: .seconds(30))
        let awkward = Finding(
            check: .keyPermissions,
            severity: .warning,
            summary: "bad modes for /home/a b/.ssh = 100% wrong\nnext line é",
            subject: "/home/a b/.ssh",
            fields: ["SSHD_PATH": "/home/a b/.ssh", "SSHD_NOTE": "x=y %41"]
        )
        let down = Finding(check: .sshdDown, severity: .critical, summary: "down")
        _ = state.update(with: [awkward, down], at: .milliseconds(1500))
        _ = state.update(with: [awkward], at: .seconds(2))  // sshd-down resolved at 2 s
        _ = state.update(with: [awkward, down], at: .seconds(3))  // held
        let text = state.serialized()
        #expect(text.hasPrefix("sshd-auditor-alert-state 1\n"))
        #expect(text.split(separator: "\n").count == 3)
        let parsed = AlertState.parse(text, reraiseInterval: .seconds(30))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.value == state)
    }

    @Test("each record is one line of the documented format, percent-encoded where needed")
    func exactFormat() {
        var state = AlertState(reraiseInterval: .seconds(30))
        let down = Finding(
            check: .sshdDown,
            severity: .critical,
            summary: "ssh.service is failed",
            fields: ["SSHD_UNIT": "ssh.service", "A_NOTE": "100% = x\ty"]
        )
        _ = state.update(with: [down], at: .seconds(1.25))
        #expect(
            state.serialized() == """
                sshd-auditor-alert-state 1
                raised check=sshd-down severity=critical time=1250000000 suppressed=0 subject= \
                summary=ssh.service%20is%20failed field.A_NOTE=100%25%20%3D%20x%09y field.SSHD_UNIT=ssh.service

                """
        )
    }

    @Test("serialize hands over the text of serialized() in chunks of about the size asked for")
    func chunks() {
        var state = AlertState(reraiseInterval: .seconds(30))
        let findings = (0..<2000).map { index in
            Finding(
                check: .authFailureBurst,
                severity: .warning,
                summary: "\(index) authentication failures from 192.0.2.\(index % 256) in the last 1min",
                subject: "192.0.\(index / 256).\(index % 256)",
                fields: ["SSHD_SOURCE_ADDRESS": "192.0.\(index / 256).\(index % 256)", "SSHD_FAILURES": "\(index)"]
            )
        }
        _ = state.update(with: findings, at: .seconds(5))
        var pieces: [[UInt8]] = []
        state.serialize(chunkBytes: 4096) { pieces.append(Array($0)) }
        let whole = Array(state.serialized().utf8)
        #expect(pieces.joined().elementsEqual(whole))
        #expect(pieces.count > whole.count / 8192)
        #expect(pieces.allSatisfy { $0.count < 4096 + 1024 })
        #expect(AlertState.parse(String(decoding: whole, as: UTF8.self), reraiseInterval: .seconds(30)).value == state)
    }

    @Test("an empty state is just the header")
    func empty() {
        let state = AlertState(reraiseInterval: .seconds(1))
        #expect(state.serialized() == "sshd-auditor-alert-state 1\n")
        #expect(AlertState.parse("", reraiseInterval: .seconds(1)).value.records.isEmpty)
    }

    @Test("bad lines are reported with their line number and skipped; good ones are kept")
    func badLines() {
        let text = """
            sshd-auditor-alert-state 1
            raised check=sshd-down severity=critical time=5 suppressed=0 subject= summary=down
            raised check=no-such-check severity=critical time=5
            raised check=config-invalid severity=dire time=5
            exploded check=config-invalid severity=critical time=5
            raised check=port-mismatch severity=warning time=soon
            """
        let parsed = AlertState.parse(text, reraiseInterval: .seconds(1), file: "alerts.state")
        #expect(parsed.value.records.keys.map(\.check) == [.sshdDown])
        #expect(parsed.diagnostics.map(\.line) == [3, 4, 5, 6])
        #expect(parsed.diagnostics.allSatisfy { $0.file == "alerts.state" })
    }

    @Test("a file of another format is rejected as a whole")
    func wrongHeader() {
        let parsed = AlertState.parse(
            "{\"json\": true}\nraised check=sshd-down severity=critical time=5",
            reraiseInterval: .seconds(1)
        )
        #expect(parsed.value.records.isEmpty)
        #expect(parsed.hasErrors)
    }
}
