import SSHDAuditCore
import Testing

@Suite("AuthorizedKeysPath")
struct AuthorizedKeysPathTests {
    @Test("sshd's default files are relative to home")
    func defaults() {
        let parsed = AuthorizedKeysPath.expand(
            AuthorizedKeysPath.defaultPatterns,
            user: "alice",
            uid: 1000,
            home: "/home/alice"
        )
        #expect(parsed.value == ["/home/alice/.ssh/authorized_keys", "/home/alice/.ssh/authorized_keys2"])
        #expect(parsed.diagnostics.isEmpty)
    }

    @Test(
        "expands %h, %u, %U and %%",
        arguments: [
            ("/etc/ssh/authorized_keys/%u", "/etc/ssh/authorized_keys/alice"),
            ("%h/.ssh/keys", "/home/alice/.ssh/keys"),
            ("/var/keys/%U", "/var/keys/1000"),
            ("/var/keys/100%%", "/var/keys/100%"),
            ("keys/%u", "/home/alice/keys/alice"),
        ]
    )
    func tokens(pattern: String, expected: String) {
        #expect(AuthorizedKeysPath.expand([pattern], user: "alice", uid: 1000, home: "/home/alice").value == [expected])
    }

    @Test("none means no file; a home of / does not double the slash")
    func edges() {
        #expect(AuthorizedKeysPath.expand(["none"], user: "a", uid: 1, home: "/h").value.isEmpty)
        #expect(AuthorizedKeysPath.expand([".ssh/k"], user: "a", uid: 1, home: "/").value == ["/.ssh/k"])
        #expect(AuthorizedKeysPath.expand([".ssh/k"], user: "a", uid: 1, home: "/home/a/").value == ["/home/a/.ssh/k"])
    }

    @Test("an unknown token is an error and drops only that pattern", arguments: ["/keys/%x", "/keys/%"])
    func unknownToken(pattern: String) {
        let parsed = AuthorizedKeysPath.expand([pattern, ".ssh/authorized_keys"], user: "a", uid: 1, home: "/h")
        #expect(parsed.value == ["/h/.ssh/authorized_keys"])
        #expect(parsed.hasErrors)
        #expect(parsed.diagnostics.first?.line == 1)
    }
}
