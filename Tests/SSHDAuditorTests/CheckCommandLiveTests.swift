import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `sshd-auditor check`, the binary, on what only it looks at: a real user's key file modes (a user the
/// test adds and deletes) and firewall rules (in a network namespace the test adds and deletes, so the
/// host's own rules are never touched).
@Suite("sshd-auditor check (live: a real user, a real firewall rule)")
struct CheckCommandLiveTests {
    @Test("--user: a ~/.ssh writable by another group is CRITICAL naming it (exit 2); fixed modes pass (exit 0)")
    func userKeyModes() throws {
        guard TestEnvironment.requireAuditorBinary(),
            TestEnvironment.require(TestEnvironment.isRoot, "needs root to add a user and chown files to it"),
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd"),
                "needs useradd and userdel (passwd)"
            )
        else { return }
        let user = try TemporaryUser()
        defer { user.remove() }
        let sshDirectory = user.home + "/.ssh"
        let keys = sshDirectory + "/authorized_keys"
        try FileManager.default.createDirectory(atPath: sshDirectory, withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: keys, contents: Data("ssh-ed25519 AAAA test\n".utf8))
        try user.own(user.home, mode: 0o755)
        try user.own(keys, mode: 0o600)
        // Group root: writable by a group that is not the user's own, which no sshd accepts (Debian's patch
        // only forgives a group whose sole member is the user).
        try user.own(sshDirectory, mode: 0o770, group: 0)

        let workspace = try AuditorWorkspace(enabled: [.keyPermissions])
        defer { workspace.remove() }
        let sshdConfig = try workspace.write("Port 22\nStrictModes yes\n", to: "sshd_config")
        try workspace.writeDropIn("20-sshd.conf", "[SSH]\nSSHDConfig=\(sshdConfig)\n")

        let bad = try workspace.run("check", ["--user", user.name, "--no-firewall", "--json"])
        #expect(bad.status == 2, "\(bad.stdout)\(bad.stderr)")
        let badDocument = try StatusDocument.decode(Array(bad.stdout.utf8))
        let badCheck = try #require(badDocument.checks.first { $0.id == CheckID.keyPermissions.rawValue })
        #expect(badCheck.severity == "critical")
        let finding = try #require(badCheck.findings.first)
        #expect(finding.fields["SSHD_PATH"] == sshDirectory, "\(finding)")
        #expect(finding.fields["SSHD_USER"] == user.name)
        #expect(finding.summary.contains(sshDirectory), "\(finding.summary)")
        #expect(finding.summary.hasSuffix("bad ownership or modes for directory \(sshDirectory)"), "\(finding.summary)")
        let badText = try workspace.run("check", ["--user", user.name, "--no-firewall"])
        #expect(badText.status == 2)
        #expect(badText.stdout.hasPrefix("SSH CRITICAL: key-permissions: \(user.name): "), "\(badText.stdout)")
        #expect(badText.stdout.contains(sshDirectory))

        // The user's own private group: Debian's sshd accepts it, upstream's does not.
        try user.own(sshDirectory, mode: 0o770)
        let privateGroup = try workspace.run("check", ["--user", user.name, "--no-firewall"])
        let debian = PermissionsReader.isDebianFamily()
        #expect(privateGroup.status == (debian ? 0 : 2), "\(privateGroup.stdout)")

        try user.own(sshDirectory, mode: 0o700)
        let fixed = try workspace.run("check", ["--user", user.name, "--no-firewall", "--json"])
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        let fixedDocument = try StatusDocument.decode(Array(fixed.stdout.utf8))
        let fixedCheck = try #require(fixedDocument.checks.first { $0.id == CheckID.keyPermissions.rawValue })
        #expect(fixedCheck.severity == "ok")
        #expect(fixedCheck.findings.count == 1)
        #expect(fixedCheck.findings.first?.summary == "\(user.name): modes and owners pass StrictModes (\(keys))")
    }

    @Test("--user with a name that does not exist: UNKNOWN (exit 3), saying so")
    func unknownUser() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let workspace = try AuditorWorkspace(enabled: [])
        defer { workspace.remove() }
        let name = "no-such-user-\(UInt32.random(in: 0...UInt32.max))"
        let result = try workspace.run("check", ["--user", name, "--no-firewall"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("no such user: \(name)"), "\(result.stderr)")
    }

    @Test("a REJECT for port 22 in a network namespace: firewall-blocks-port CRITICAL (exit 2); none: OK")
    func firewallReject() throws {
        guard TestEnvironment.requireAuditorBinary(),
            TestEnvironment.require(TestEnvironment.isRoot, "needs root to create a network namespace")
        else { return }
        let tools = ["/usr/sbin/ip", "/usr/sbin/nft"]
        guard
            TestEnvironment.require(
                tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                "needs iproute2 and nftables (scripts/install-deps.sh)"
            )
        else { return }

        let namespace = "sshd-auditor-chk-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let added = try runCommand("/usr/sbin/ip", ["netns", "add", namespace], timeout: .seconds(20))
        try #require(added.status == 0, "ip netns add: \(added.stderr)")
        defer { _ = try? runCommand("/usr/sbin/ip", ["netns", "delete", namespace], timeout: .seconds(20)) }
        let inside = ["/usr/sbin/ip", "netns", "exec", namespace]

        let workspace = try AuditorWorkspace(enabled: [])
        defer { workspace.remove() }
        let sshdConfig = try workspace.write("Port 22\n", to: "sshd_config")
        try workspace.writeDropIn("20-sshd.conf", "[SSH]\nSSHDConfig=\(sshdConfig)\n")

        let open = try workspace.run("check", ["--json"], commandPrefix: inside)
        #expect(open.status == 0, "\(open.stdout)\(open.stderr)")
        let openCheck = try #require(
            try StatusDocument.decode(Array(open.stdout.utf8)).checks.first { $0.id == "firewall-blocks-port" }
        )
        #expect(openCheck.severity == "ok")
        #expect(openCheck.findings.first?.summary == "no rule drops or rejects port 22")

        let rules = workspace.path("reject-22.nft")
        try """
        table inet sshd_auditor_test {
            chain input {
                type filter hook input priority filter; policy accept;
                tcp dport 22 reject
            }
        }
        """.write(toFile: rules, atomically: true, encoding: .utf8)
        let loaded = try runCommand(inside[0], Array(inside.dropFirst()) + ["/usr/sbin/nft", "-f", rules])
        try #require(loaded.status == 0, "nft -f: \(loaded.stderr)")

        let blocked = try workspace.run("check", ["--json"], commandPrefix: inside)
        #expect(blocked.status == 2, "\(blocked.stdout)\(blocked.stderr)")
        let document = try StatusDocument.decode(Array(blocked.stdout.utf8))
        #expect(document.severity == "critical")
        let check = try #require(document.checks.first { $0.id == "firewall-blocks-port" })
        #expect(check.severity == "critical")
        #expect(check.findings.count == 1, "\(check.findings)")
        let finding = try #require(check.findings.first)
        #expect(finding.fields["SSHD_PORT"] == "22")
        #expect(finding.fields["SSHD_FIREWALL_ACTION"] == "reject")
        #expect(finding.fields["SSHD_FIREWALL_CHAIN"] == "inet sshd_auditor_test input", "\(finding.fields)")
        #expect(finding.summary.hasPrefix("port 22: "), "\(finding.summary)")

        let text = try workspace.run("check", [], commandPrefix: inside)
        #expect(text.status == 2)
        #expect(text.stdout.hasPrefix("SSH CRITICAL: firewall-blocks-port: port 22: "), "\(text.stdout)")
    }
}
