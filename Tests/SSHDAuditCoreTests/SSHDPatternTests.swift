import SSHDAuditCore
import Testing

@Suite("sshd wildcard patterns and address lists")
struct SSHDPatternTests {
    @Test(
        "globs match like match_pattern",
        arguments: [
            ("alice", "alice", true), ("alice", "al*", true), ("alice", "a?ice", true), ("alice", "*e", true),
            ("alice", "*", true), ("alice", "bob", false), ("alice", "Alice", false), ("", "*", true),
            ("alice", "al?", false), ("a.b.c", "*.c", true),
        ]
    )
    func glob(string: String, pattern: String, expected: Bool) {
        #expect(SSHDPattern.matches(string, pattern: pattern) == expected)
    }

    @Test("a negated entry beats any positive one")
    func negation() {
        #expect(SSHDPattern.matchList("admin-robot", patterns: "adm*,!admin-robot") == .negated)
        #expect(SSHDPattern.matchList("admin-alice", patterns: "adm*,!admin-robot") == .matched)
        #expect(SSHDPattern.matchList("bob", patterns: "adm*,!admin-robot") == .none)
    }

    @Test("host patterns can be lower-cased like match_hostname")
    func hostCase() {
        #expect(
            SSHDPattern.matchList("ci.example.org", patterns: "*.EXAMPLE.org", lowercasingPatterns: true) == .matched
        )
    }

    @Test(
        "address lists take CIDR blocks, wildcards and negation",
        arguments: [
            ("10.2.3.4", "10.0.0.0/8,!10.1.0.0/16", SSHDPattern.ListMatch.matched),
            ("10.1.2.3", "10.0.0.0/8,!10.1.0.0/16", .negated),
            ("192.168.1.9", "10.0.0.0/8", .none),
            ("192.168.1.9", "192.168.*", .matched),
            ("2001:db8::5", "2001:db8::/32", .matched),
            ("2001:db9::5", "2001:db8::/32", .none),
            ("10.0.0.1", "10.0.0.1", .matched),
            ("not-an-address", "10.0.0.0/8", .none),
        ]
    )
    func addressLists(address: String, list: String, expected: SSHDPattern.ListMatch) {
        #expect(SSHDAddressList.match(address, list: list) == expected)
    }

    @Test(
        "host bits after the mask, or an empty entry, make a list invalid",
        arguments: ["10.0.0.1/8", "10.0.0.0/8,", "!"]
    )
    func invalidLists(list: String) {
        #expect(SSHDAddressList.validate(list) != nil)
        #expect(SSHDAddressList.match("10.0.0.1", list: list) == .none)
    }
}
