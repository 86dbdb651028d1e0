import Systemd
import Testing

@Suite("JournalField")
struct JournalFieldTests {
    @Test(
        "accepts journald's field names",
        arguments: ["MESSAGE", "SSHD_AUDITOR_CHECK", "A", "X9_", String(repeating: "A", count: 64)]
    )
    func acceptsValidNames(name: String) {
        #expect(JournalField(name)?.name == name)
    }

    @Test(
        "rejects what journald rejects",
        arguments: [
            "", "_PID", "9LIVES", "message", "SSHD.UNIT", "PEER-ADDRESS", "ÄPFEL", String(repeating: "A", count: 65),
        ]
    )
    func rejectsInvalidNames(name: String) {
        #expect(JournalField(name) == nil)
        #expect(!JournalField.isValid(name))
    }

    @Test(
        "maps any key to a valid name",
        arguments: [
            ("sshd.unit", "SSHD_UNIT"), ("peer-address", "PEER_ADDRESS"), ("_private", "FIELD_PRIVATE"),
            ("2fa", "FIELD_2FA"), ("", "EMPTY"), ("ünïcode", "FIELD__N__CODE"), ("ALREADY_OK", "ALREADY_OK"),
        ]
    )
    func sanitizes(key: String, expected: String) {
        let field = JournalField.sanitizing(key)
        #expect(field.name == expected)
        #expect(JournalField.isValid(field.name))
    }

    @Test("cuts long keys to 64 characters")
    func cutsLongKeys() {
        let field = JournalField.sanitizing(String(repeating: "k", count: 100))
        #expect(field.name == String(repeating: "K", count: 64))
    }

    @Test(
        "well-known fields are valid names",
        arguments: [
            JournalField.message, .messageID, .priority, .syslogIdentifier, .codeFile, .codeLine, .codeFunction, .errno,
        ]
    )
    func wellKnownFieldsAreValid(field: JournalField) {
        #expect(JournalField.isValid(field.name))
    }
}
