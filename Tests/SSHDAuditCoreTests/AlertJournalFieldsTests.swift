import Testing

@testable import SSHDAuditCore

@Suite("Alert journal entries")
struct AlertJournalFieldsTests {
    let finding = Finding(
        check: .maxStartupsSaturated,
        severity: .critical,
        summary: "MaxStartups full: 3 of 2-3 startups",
        fields: [FindingField.startups: "3", FindingField.maxStartups: "2:100:3", FindingField.unit: "ssh.service"]
    )

    @Test("a raised entry: message, stable id, priority from severity, identifier, check, state and facts")
    func raised() {
        let transition = AlertTransition(kind: .raised, finding: self.finding, previousSeverity: .warning)
        let fields = Dictionary(uniqueKeysWithValues: transition.journalFields.map { ($0.name, $0.value) })
        #expect(
            fields["MESSAGE"]
                == "maxstartups-saturated raised (critical, was warning): MaxStartups full: 3 of 2-3 startups"
        )
        #expect(fields["MESSAGE_ID"] == CheckID.maxStartupsSaturated.raisedMessageID)
        #expect(fields["PRIORITY"] == "2")
        #expect(fields["SYSLOG_IDENTIFIER"] == "sshd-auditor")
        #expect(fields["SSHD_AUDITOR_CHECK"] == "maxstartups-saturated")
        #expect(fields["SSHD_AUDITOR_STATE"] == "critical")
        #expect(fields["SSHD_AUDITOR_TRANSITION"] == "raised")
        #expect(fields["SSHD_AUDITOR_PREVIOUS_STATE"] == "warning")
        #expect(fields["SSHD_STARTUPS"] == "3")
        #expect(fields["SSHD_MAXSTARTUPS"] == "2:100:3")
        #expect(fields["SSHD_UNIT"] == "ssh.service")
        #expect(
            transition.journalFields.prefix(4).map(\.name) == [
                "MESSAGE", "MESSAGE_ID", "PRIORITY", "SYSLOG_IDENTIFIER",
            ]
        )
    }

    @Test("a resolved entry: the resolved id, informational priority, state ok, the last facts")
    func resolved() {
        var finding = self.finding
        finding.subject = "x"
        let transition = AlertTransition(kind: .resolved, finding: finding)
        let fields = Dictionary(uniqueKeysWithValues: transition.journalFields.map { ($0.name, $0.value) })
        #expect(fields["MESSAGE_ID"] == CheckID.maxStartupsSaturated.resolvedMessageID)
        #expect(fields["PRIORITY"] == "6")
        #expect(fields["SSHD_AUDITOR_STATE"] == "ok")
        #expect(fields["SSHD_AUDITOR_SUBJECT"] == "x")
        #expect(fields["SSHD_STARTUPS"] == "3")
        #expect(fields["MESSAGE"]?.hasPrefix("maxstartups-saturated resolved: was MaxStartups full") == true)
    }

    @Test("every field name the auditor writes follows journald's rules")
    func fieldNamesAreValid() {
        let names = [
            FindingField.check, FindingField.state, FindingField.transition, FindingField.subject,
            FindingField.previousState, FindingField.suppressedRaises, FindingField.unit, FindingField.socketUnit,
            FindingField.unitState, FindingField.unitResult, FindingField.restarts, FindingField.configuredPorts,
            FindingField.configuredAddresses, FindingField.listeningPorts, FindingField.listeningAddresses,
            FindingField.portHolder, FindingField.startups, FindingField.maxStartups, FindingField.droppedConnections,
            FindingField.sourceAddress, FindingField.failures, FindingField.window, FindingField.path,
            FindingField.binary, FindingField.configFile, FindingField.configErrors, FindingField.configTestStatus,
        ]
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.utf8.count <= 64 && !name.hasPrefix("_"), "\(name)")
            #expect(name.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }, "\(name)")
        }
    }
}
