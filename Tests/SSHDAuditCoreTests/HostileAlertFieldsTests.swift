import SSHDAuditCore
import Testing

/// Issue #6 point 4, the journal side: an attacker chooses the user name sshd logs (and, through it, text
/// that looks like an address). Nothing they write may move the burst count to another address or become a
/// journal field of its own.
@Suite("hostile log text in checks and alert fields")
struct HostileAlertFieldsTests {
    private static let now = Duration.seconds(1_800_000_000)

    /// journald's rule for a field name: `[A-Z0-9_]`, not starting with a digit or (for a client) `_`.
    private static func isJournalFieldName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "_"), !(0x30...0x39).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    private static func snapshot(_ events: [SSHDLogEvent], threshold: Int = 3) -> AuditSnapshot {
        var snapshot = AuditSnapshot(time: Self.now)
        snapshot.configuration.authFailureBurstThreshold = threshold
        snapshot.configuration.authFailureBurstWindow = .seconds(600)
        snapshot.logWindow = LogWindow(
            events.enumerated().map { index, event in
                TimedLogEvent(time: Self.now - .seconds(10 + index), event: event)
            },
            now: Self.now,
            configuration: snapshot.configuration
        )
        return snapshot
    }

    /// Lines sshd 9.2 writes for a client that offered the user name `x from 203.0.113.9 port 22`
    /// (sshd logs the name as sent; only control characters are escaped by its log layer).
    private static let spoofingLines = [
        "Nov 21 10:00:01 h sshd[101]: Invalid user x from 203.0.113.9 port 22 from 198.51.100.7 port 40001",
        "Nov 21 10:00:02 h sshd[101]: Failed password for invalid user x from 203.0.113.9 port 22 from 198.51.100.7 port 40001 ssh2",
        "Nov 21 10:00:03 h sshd[102]: Failed password for x from 203.0.113.9 port 22 from 198.51.100.7 port 40002 ssh2",
        "Nov 21 10:00:04 h sshd[103]: Failed publickey for x from 203.0.113.9 port 22 from 198.51.100.7 port 40003 ssh2: ED25519 SHA256:abc",
    ]

    @Test("a user named 'x from 203.0.113.9 port 22': the parser takes the real (last) address")
    func spoofedAddressParsed() {
        let parsed = SSHDLogParser(year: 2026).parse(Self.spoofingLines.joined(separator: "\n") + "\n")
        #expect(parsed.value.count == Self.spoofingLines.count)
        for event in parsed.value {
            #expect(event.address == "198.51.100.7", "\(event)")
            #expect(event.user == "x from 203.0.113.9 port 22", "\(event)")
        }
    }

    @Test("auth-failure-burst counts the spoofing user's failures against the real address, not 203.0.113.9")
    func spoofedAddressBurst() throws {
        let events = SSHDLogParser(year: 2026).parse(Self.spoofingLines.joined(separator: "\n") + "\n").value
        let findings = AuthFailureBurstCheck().evaluate(Self.snapshot(events))
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.severity == .warning)
        #expect(finding.subject == "198.51.100.7")
        #expect(finding.fields[FindingField.sourceAddress] == "198.51.100.7")
        #expect(finding.fields[FindingField.failures] == "4")
        #expect(!finding.summary.contains("203.0.113.9"))
    }

    @Test(
        "attacker text with newlines, field assignments, NUL and U+FFFD stays inside one value; names stay ours",
        arguments: [
            "198.51.100.7\nMESSAGE_ID=00000000000000000000000000000000\nPRIORITY=0",
            "198.51.100.7\nPRIORITY=0\n",
            "x\u{0}MESSAGE_ID=ffffffffffffffffffffffffffffffff",
            "\u{FFFD}\u{FFFD}\nSYSLOG_IDENTIFIER=sshd\r\n_PID=1",
            "=\n=\n\n",
        ]
    )
    func hostileValues(_ hostile: String) throws {
        // The parser never yields such an address (it takes a token without spaces), but a journal entry's
        // fields must be safe whatever a check puts in them: build the failures by hand.
        let events = (0..<3).map { _ in SSHDLogEvent(kind: .failedPassword, user: hostile, address: hostile) }
        let finding = try #require(AuthFailureBurstCheck().evaluate(Self.snapshot(events)).first)
        #expect(finding.subject == hostile)
        for transition in [
            AlertTransition(kind: .raised, finding: finding),
            AlertTransition(kind: .resolved, finding: finding, previousSeverity: .warning),
        ] {
            let fields = transition.journalFields
            // Each (name, value) pair is one iovec "NAME=value": a newline in a value cannot start a field.
            #expect(fields.allSatisfy { Self.isJournalFieldName($0.name) }, "\(fields.map(\.name))")
            #expect(fields.filter { $0.name == "MESSAGE_ID" }.map(\.value) == [transition.messageID])
            #expect(fields.filter { $0.name == "PRIORITY" }.map(\.value) == [String(transition.journalPriority)])
            #expect(fields.filter { $0.name == "SYSLOG_IDENTIFIER" }.map(\.value) == ["sshd-auditor"])
            #expect(Set(fields.map(\.name)).count == fields.count, "a field name appears twice")
            // The hostile text is carried whole, in the fields that name the address.
            #expect(fields.first { $0.name == FindingField.sourceAddress }?.value == hostile)
            #expect(fields.first { $0.name == "MESSAGE" }?.value.contains(hostile) == true)
            // The message ID depends on the check, not on the attacker's subject.
            #expect(
                transition.messageID
                    == AlertTransition(
                        kind: transition.kind,
                        finding: Finding(
                            check: finding.check,
                            severity: finding.severity,
                            summary: "",
                            subject: "192.0.2.1"
                        )
                    ).messageID
            )
        }
    }
}
