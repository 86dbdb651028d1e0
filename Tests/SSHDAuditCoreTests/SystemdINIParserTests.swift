import Testing

@testable import SSHDAuditCore

@Suite("systemd-style INI")
struct SystemdINIParserTests {
    @Test("sections, keys, comments, whitespace and continuation lines")
    func syntax() {
        let text = """
            # comment
            ; another
            [Daemon]
              PollInterval = 10s  
            Empty=
            [Checks]
            Disable=sshd-down \\
            # a comment inside the continuation is skipped
              port-mismatch
            Equals=a=b
            """
        let parsed = SystemdINIParser.parse(text, file: "test.conf")
        #expect(parsed.diagnostics.isEmpty)
        #expect(
            parsed.value == [
                INIAssignment(section: "Daemon", key: "PollInterval", value: "10s", file: "test.conf", line: 4),
                INIAssignment(section: "Daemon", key: "Empty", value: "", file: "test.conf", line: 5),
                INIAssignment(
                    section: "Checks",
                    key: "Disable",
                    value: "sshd-down  port-mismatch",
                    file: "test.conf",
                    line: 7
                ),
                INIAssignment(section: "Checks", key: "Equals", value: "a=b", file: "test.conf", line: 10),
            ]
        )
    }

    @Test("malformed lines are diagnostics with file and line")
    func malformed() {
        let text = "Orphan=1\n[Daemon\n[Daemon]\nno equals sign\n=value\nGood=1\r\n"
        let parsed = SystemdINIParser.parse(text, file: "bad.conf")
        #expect(parsed.diagnostics.map(\.line) == [1, 2, 4, 5])
        #expect(parsed.diagnostics.allSatisfy { $0.file == "bad.conf" && $0.severity == .error })
        #expect(parsed.value.map(\.key) == ["Good"])
        #expect(parsed.value.first?.value == "1")
    }
}
