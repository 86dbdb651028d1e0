import Foundation
import SSHDAuditCore
import Testing

@Suite("sshd_config evaluation")
struct SSHDConfigEvaluatorTests {
    private static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/sshd_config/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    private func evaluate(
        _ files: [String: String],
        groups: [String: [String]] = [:],
        hosts: [String: [SSHDConfigAddress]] = [:],
        connection: SSHDConnectionSpec? = nil
    ) -> Parsed<SSHDEffectiveConfig> {
        let environment = InMemorySSHDConfigEnvironment(files: files, groups: groups, hosts: hosts)
        return SSHDConfigEvaluator(environment: environment).evaluate(
            path: "/etc/ssh/sshd_config",
            connection: connection
        )
    }

    @Test("Debian 12's shipped config: UsePAM on, keyboard-interactive off, X11 on, sftp subsystem")
    func debianDefault() throws {
        let result = self.evaluate(["/etc/ssh/sshd_config": try Self.fixture("debian12-default")])
        #expect(!result.hasErrors)
        let config = result.value
        #expect(config.usePAM)
        #expect(!config.keyboardInteractiveAuthentication)
        #expect(config.value(for: "X11Forwarding") == "yes")
        #expect(config.values(for: "acceptenv") == ["LANG", "LC_*"])
        #expect(config.values(for: "subsystem") == ["sftp /usr/lib/openssh/sftp-server"])
        #expect(config.ports == [22])
        #expect(config.listenAddresses.map(\.description) == ["[::]:22", "0.0.0.0:22"])
        #expect(result.diagnostics.map(\.severity) == [.note], "the empty sshd_config.d is worth a note only")
    }

    @Test("a drop-in included first wins over the main file, as on cloud images")
    func dropInWins() throws {
        let result = self.evaluate([
            "/etc/ssh/sshd_config": try Self.fixture("hardened"),
            "/etc/ssh/sshd_config.d/50-cloud-init.conf": "PasswordAuthentication yes\n",
        ])
        #expect(!result.hasErrors)
        let config = result.value
        #expect(config.passwordAuthentication)
        #expect(config.ports == [2222])
        #expect(config.listenAddresses.map(\.description) == ["0.0.0.0:2222", "[::]:2222"])
        #expect(config.maxStartups == MaxStartups(start: 10, rate: 30, full: 60))
        #expect(config.perSourceMaxStartups == 3)
        #expect(config.value(for: "persourcenetblocksize") == "24:64")
        #expect(config.loginGraceTime == 20)
        #expect(config.maxAuthTries == 3)
        #expect(config.strictModes)
        #expect(config.permitRootLogin == "no")
        #expect(config.authorizedKeysFiles == [".ssh/authorized_keys"])
        #expect(config.allowGroups == ["ssh-users"])
    }

    @Test(
        "Match Address with CIDR and negation, combined with User",
        arguments: [("10.20.1.1", true), ("10.20.99.5", false), ("192.0.2.1", false)]
    )
    func matchAddress(address: String, passwords: Bool) throws {
        let files = ["/etc/ssh/sshd_config": try Self.fixture("match-blocks")]
        let result = self.evaluate(
            files,
            connection: SSHDConnectionSpec(user: "admin", address: address, localPort: 22)
        )
        #expect(!result.hasErrors, "\(result.diagnostics)")
        #expect(result.value.passwordAuthentication == passwords)
        #expect(result.value.allowUsers == ["admin", "deploy", "backup"])
    }

    @Test("Match Group asks the environment for the user's groups")
    func matchGroup() throws {
        let files = ["/etc/ssh/sshd_config": try Self.fixture("match-blocks")]
        let groups = ["backup": ["backup", "backup-operators"], "deploy": ["deploy"]]
        let backup = self.evaluate(files, groups: groups, connection: SSHDConnectionSpec(user: "backup", localPort: 22))
        #expect(backup.value.value(for: "forcecommand") == "/usr/local/bin/backup-shell")
        #expect(backup.value.value(for: "allowtcpforwarding") == "no")
        let deploy = self.evaluate(files, groups: groups, connection: SSHDConnectionSpec(user: "deploy", localPort: 22))
        #expect(deploy.value.value(for: "forcecommand") == "none")
    }

    @Test("Match LocalPort needs lport, like sshd -T -C")
    func localPortNeedsSpec() throws {
        let files = ["/etc/ssh/sshd_config": try Self.fixture("match-blocks")]
        let missing = self.evaluate(files, connection: SSHDConnectionSpec(user: "admin"))
        #expect(missing.hasErrors)
        #expect(missing.diagnostics.last?.line == 13)
        let given = self.evaluate(files, connection: SSHDConnectionSpec(user: "admin", localPort: 2200))
        #expect(given.value.permitRootLogin == "without-password")
    }

    @Test("relative Include paths resolve against /etc/ssh, globs in sorted order")
    func relativeInclude() {
        let result = self.evaluate([
            "/etc/ssh/sshd_config": "Include conf.d/*.conf\nMaxAuthTries 9\n",
            "/etc/ssh/conf.d/20-b.conf": "MaxAuthTries 2\nPort 2002\n",
            "/etc/ssh/conf.d/10-a.conf": "Port 2001\n",
        ])
        #expect(!result.hasErrors)
        #expect(result.value.maxAuthTries == 2)
        #expect(result.value.ports == [2001, 2002])
    }

    @Test("an Include loop is an error, not a hang")
    func includeLoop() {
        let result = self.evaluate([
            "/etc/ssh/sshd_config": "Port 22\nInclude /etc/ssh/a.conf\n",
            "/etc/ssh/a.conf": "Include /etc/ssh/b.conf\n",
            "/etc/ssh/b.conf": "Include /etc/ssh/a.conf\n",
        ])
        #expect(result.hasErrors)
        #expect(result.diagnostics.contains { $0.message.hasPrefix("Too many recursive configuration includes") })
    }

    @Test("a file included from a Match block that does not apply cannot open its own Match")
    func includeInsideInactiveMatch() {
        let files = [
            "/etc/ssh/sshd_config": "Match User alice\n  Include /etc/ssh/alice.conf\n",
            "/etc/ssh/alice.conf": "Match all\n  MaxSessions 1\n",
        ]
        #expect(
            self.evaluate(files, connection: SSHDConnectionSpec(user: "bob")).value.value(for: "maxsessions") == "10"
        )
        #expect(
            self.evaluate(files, connection: SSHDConnectionSpec(user: "alice")).value.value(for: "maxsessions") == "1"
        )
    }

    @Test("errors carry the file and line sshd would name; deprecated keywords are warnings")
    func diagnostics() {
        let result = self.evaluate([
            "/etc/ssh/sshd_config": "UsePrivilegeSeparation sandbox\nInclude /etc/ssh/extra.conf\n",
            "/etc/ssh/extra.conf": "\nPermitRootLogn no\n",
        ])
        #expect(
            result.diagnostics == [
                ParseDiagnostic(
                    file: "/etc/ssh/sshd_config",
                    line: 1,
                    severity: .warning,
                    message: "Deprecated option UsePrivilegeSeparation"
                ),
                ParseDiagnostic(
                    file: "/etc/ssh/extra.conf",
                    line: 2,
                    severity: .error,
                    message: "Bad configuration option: PermitRootLogn"
                ),
            ]
        )
    }

    @Test("ListenAddress host names resolve through the environment; unknown names are fatal")
    func listenHostNames() throws {
        let hosts = [
            "localhost": [try #require(SSHDConfigAddress("127.0.0.1")), try #require(SSHDConfigAddress("::1"))]
        ]
        let resolved = self.evaluate(["/etc/ssh/sshd_config": "ListenAddress localhost:2022\n"], hosts: hosts)
        #expect(resolved.value.listenAddresses.map(\.description) == ["[::1]:2022", "127.0.0.1:2022"])
        let unknown = self.evaluate(["/etc/ssh/sshd_config": "\nListenAddress nowhere.invalid\n"])
        #expect(unknown.hasErrors)
        #expect(unknown.diagnostics.last?.line == 2)
    }

    @Test("output starts like sshd -T and lookups accept aliases in any case")
    func renderingOrder() {
        let config = self.evaluate(["/etc/ssh/sshd_config": "ChallengeResponseAuthentication no\n"]).value
        #expect(config.entries.prefix(3).map(\.keyword) == ["port", "addressfamily", "listenaddress"])
        #expect(config.value(for: "ChallengeResponseAuthentication") == "no")
        #expect(config.text.hasPrefix("port 22\naddressfamily any\nlistenaddress [::]:22\n"))
    }

    @Test("every keyword sshd accepts is known, and every supported one is printed")
    func keywordTable() {
        let printed = Set(self.evaluate(["/etc/ssh/sshd_config": ""]).value.entries.map(\.keyword))
        let optionalLists: Set = [
            "hostcertificate", "allowusers", "denyusers", "allowgroups", "denygroups", "acceptenv", "setenv",
            "logverbose", "channeltimeout", "subsystem", "match", "include", "rdomain", "debianbanner",
        ]
        for keyword in SSHDKeyword.all where keyword.status == .supported {
            #expect(
                printed.contains(keyword.canonicalName) || optionalLists.contains(keyword.canonicalName),
                "\(keyword.name) is neither printed nor known to be optional"
            )
        }
        #expect(SSHDKeyword.named("PASSWORDAUTHENTICATION")?.isAllowedInMatch == true)
        #expect(SSHDKeyword.named("Port")?.isAllowedInMatch == false)
        #expect(SSHDKeyword.named("NoSuchOption") == nil)
    }

    @Test("origins name the line in effect, including a drop-in that wins and a matching block")
    func origins() throws {
        let files = [
            "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication no\nPort 2222\n"
                + "MaxStartups 3:50:9\nMatch User alice\n  PermitRootLogin no\n",
            "/etc/ssh/sshd_config.d/50-cloud-init.conf": "PasswordAuthentication yes\n",
        ]
        let config = self.evaluate(files, connection: SSHDConnectionSpec(user: "alice")).value
        #expect(
            config.origin(of: "passwordauthentication")
                == SSHDConfigOrigin(file: "/etc/ssh/sshd_config.d/50-cloud-init.conf", line: 1)
        )
        #expect(config.origin(of: "Port") == SSHDConfigOrigin(file: "/etc/ssh/sshd_config", line: 3))
        #expect(config.origin(of: "maxstartups")?.line == 4)
        #expect(config.origin(of: "permitrootlogin")?.line == 6)
        #expect(config.origin(of: "x11forwarding") == nil, "defaults have no origin")
    }

    @Test(
        "the checks sshd makes after filling defaults are errors at the offending line",
        arguments: [
            ("AuthorizedKeysCommand /usr/bin/keys %u\n", "AuthorizedKeysCommand set without AuthorizedKeysCommandUser"),
            (
                "PasswordAuthentication no\nAuthenticationMethods password\n",
                "AuthenticationMethods cannot be satisfied by enabled authentication methods"
            ),
            ("X11DisplayOffset -1\n", "X11DisplayOffset integer value too small."),
            ("MaxSessions 99999999999\n", "MaxSessions integer value too large."),
        ]
    )
    func filledOptionChecks(text: String, message: String) {
        let result = self.evaluate(["/etc/ssh/sshd_config": text])
        #expect(result.hasErrors)
        #expect(result.diagnostics.last?.message == message)
        #expect(result.diagnostics.last?.line == text.split(separator: "\n").count)
    }

    @Test("an AuthenticationMethods list with one enabled alternative is accepted, with a warning")
    func satisfiableMethods() {
        let result = self.evaluate([
            "/etc/ssh/sshd_config": "PasswordAuthentication no\nAuthenticationMethods password publickey\n"
        ])
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.severity) == [.warning])
    }

    @Test("relative paths are kept as written and flagged")
    func relativePaths() {
        let result = self.evaluate(["/etc/ssh/sshd_config": "PidFile run/sshd.pid\nBanner none\n"])
        #expect(!result.hasErrors)
        #expect(result.value.value(for: "pidfile") == "run/sshd.pid")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.severity == .warning)
    }
}
