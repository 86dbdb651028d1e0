import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

@Suite("PermissionsReader (live)", .serialized)
struct PermissionsReaderTests {
    /// A fresh directory for one test, removed by the caller; `base` must not be world-writable when the
    /// walk will reach it.
    static func makeDirectory(in base: String = NSTemporaryDirectory()) throws -> String {
        let template = try #require(strdup((base as NSString).appendingPathComponent("sshd-auditor-perm-XXXXXX")))
        defer { free(template) }
        let made = try #require(mkdtemp(template), "mkdtemp in \(base)")
        return String(cString: made)
    }

    static func setMode(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test("reads a temp home tree with bad modes the way sshd would judge it")
    func badModes() throws {
        let home = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let canonicalHome = try #require(PermissionsReader.canonicalPath(home))
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: false)
        try "ssh-ed25519 AAAA test\n".write(toFile: home + "/.ssh/authorized_keys", atomically: false, encoding: .utf8)
        try Self.setMode(home, 0o755)
        try Self.setMode(home + "/.ssh", 0o770)
        try Self.setMode(home + "/.ssh/authorized_keys", 0o666)

        let user = UserAccount(name: "tester", uid: getuid(), gid: getgid(), home: home)
        let reports = PermissionsReader().check(user: user)
        #expect(reports.diagnostics.isEmpty)
        #expect(reports.value.count == 2)
        let keys = try #require(reports.value.first)
        #expect(keys.canonicalPath == canonicalHome + "/.ssh/authorized_keys")
        #expect(
            keys.violations.map(\.message) == [
                "bad ownership or modes for file \(canonicalHome)/.ssh/authorized_keys",
                "bad ownership or modes for directory \(canonicalHome)/.ssh",
            ]
        )
        #expect(keys.violations.first?.problems == [.groupWritable, .worldWritable])
        // authorized_keys2 does not exist: nothing to say about its modes.
        #expect(reports.value.last?.canonicalPath == nil)
        #expect(reports.value.last?.violations.isEmpty == true)

        try Self.setMode(home + "/.ssh", 0o700)
        try Self.setMode(home + "/.ssh/authorized_keys", 0o600)
        #expect(PermissionsReader().check(user: user).value.first?.violations.isEmpty == true)
    }

    @Test("follows a symlink to its target and walks up to / outside home")
    func symlinkOutsideHome() throws {
        let home = try Self.makeDirectory()
        let elsewhere = try Self.makeDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        let target = elsewhere + "/keys"
        try "ssh-ed25519 AAAA test\n".write(toFile: target, atomically: false, encoding: .utf8)
        try Self.setMode(target, 0o600)
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: home + "/.ssh/authorized_keys", withDestinationPath: target)

        let user = UserAccount(name: "tester", uid: getuid(), gid: getgid(), home: home)
        let report = try #require(PermissionsReader().check(user: user).value.first)
        let canonicalTarget = try #require(PermissionsReader.canonicalPath(target))
        #expect(report.canonicalPath == canonicalTarget)
        // The walk leaves home: it reaches the temporary directory itself (world-writable, sticky).
        let temporary = (canonicalTarget as NSString).deletingLastPathComponent.components(separatedBy: "/").dropLast()
            .joined(separator: "/")
        let temporaryIsOpen =
            ((try? FileManager.default.attributesOfItem(atPath: temporary)[.posixPermissions] as? Int) ?? 0) & 0o022
            != 0
        if temporaryIsOpen {
            #expect(report.violations.first?.message == "bad ownership or modes for directory \(temporary)")
        }
        #expect(report.violations.allSatisfy { !$0.isFile })
    }

    @Test("looks accounts up in the password database")
    func accounts() {
        let root = UserAccount.named("root")
        #expect(root?.uid == 0)
        #expect(root?.home.isEmpty == false)
        #expect(UserAccount.named("no-such-user-\(getpid())") == nil)
    }

    // MARK: - Against the real sshd

    /// What the real sshd logs for a key file under a directory with `mode` and group `gid`, next to our
    /// prediction for the same tree.
    struct Outcome {
        var loggedIn: Bool
        var sshdLog: String
        var predicted: [StrictModes.Violation]
    }

    @Test(
        "sshd's own StrictModes verdict matches the prediction",
        arguments: [
            // Group-writable, group `users` (no sole member): refused everywhere.
            (0o775, 100 as UInt32, false),
            // Group-writable by root's private group: Debian's patch accepts it, upstream would not.
            (0o775, 0 as UInt32, true),
            (0o755, 0 as UInt32, true),
            (0o757, 0 as UInt32, false),
        ] as [(Int, UInt32, Bool)]
    )
    func realSSHD(mode: Int, gid: UInt32, debianAccepts: Bool) throws {
        guard TestEnvironment.require(TestEnvironment.isRoot, "needs root to run sshd and log in as root") else {
            return
        }
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
                    && FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh")
                    && FileManager.default.fileExists(atPath: "/etc/ssh/ssh_host_ed25519_key"),
                "needs openssh-server and openssh-client with host keys"
            )
        else { return }
        let debian = PermissionsReader.isDebianFamily()
        let outcome = try Self.tryLogin(keysDirectoryMode: mode, gid: gid)
        let expectAccepted = debian ? debianAccepts : (mode & 0o022 == 0)
        #expect(outcome.loggedIn == expectAccepted, "sshd said:\n\(outcome.sshdLog)")
        if let first = outcome.predicted.first {
            #expect(!outcome.loggedIn)
            #expect(outcome.sshdLog.contains(first.logLine), "expected \(first.logLine) in:\n\(outcome.sshdLog)")
        } else {
            #expect(outcome.loggedIn, "we predicted no StrictModes problem; sshd said:\n\(outcome.sshdLog)")
            #expect(!outcome.sshdLog.contains("Authentication refused"))
        }
    }

    static func tryLogin(keysDirectoryMode mode: Int, gid: UInt32) throws -> Outcome {
        // Under root's home, so the walk stops at /root and never meets a shared temp directory.
        let base = try self.makeDirectory(in: "/root")
        defer { try? FileManager.default.removeItem(atPath: base) }
        try self.setMode(base, 0o755)
        let keysDirectory = base + "/keys"
        try FileManager.default.createDirectory(atPath: keysDirectory, withIntermediateDirectories: false)
        let keygen = try runCommand(
            "/usr/bin/ssh-keygen",
            ["-q", "-t", "ed25519", "-N", "", "-C", "sshd-auditor-test", "-f", base + "/client_key"],
            timeout: .seconds(20)
        )
        try #require(keygen.status == 0, "ssh-keygen: \(keygen.stderr)")
        let authorizedKeys = keysDirectory + "/authorized_keys"
        try FileManager.default.copyItem(atPath: base + "/client_key.pub", toPath: authorizedKeys)
        try self.setMode(authorizedKeys, 0o600)
        try #require(chown(keysDirectory, 0, gid) == 0)
        try self.setMode(keysDirectory, mode)

        let config = base + "/sshd_config"
        try """
        HostKey /etc/ssh/ssh_host_ed25519_key
        PidFile none
        StrictModes yes
        PermitRootLogin prohibit-password
        AuthorizedKeysFile \(authorizedKeys)
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        LogLevel INFO

        """.write(toFile: config, atomically: false, encoding: .utf8)

        let root = try #require(UserAccount.named("root"))
        let policy = PermissionsReader.groupWritePolicy(debianPatched: PermissionsReader.isDebianFamily())
        let predicted =
            PermissionsReader(policy: policy).check(user: root, patterns: [authorizedKeys]).value
            .first?.violations ?? []

        // sshd in inetd mode (-i) as the client's ProxyCommand: one connection over a pipe, no port, no
        // daemon left behind, and with -e its log arrives on the client's standard error.
        let login = try runCommand(
            "/usr/bin/ssh",
            [
                "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
                "-o", "ProxyCommand=/usr/sbin/sshd -i -e -f \(config)",
                "-i", base + "/client_key", "root@sshd-auditor-test", "true",
            ],
            timeout: .seconds(30)
        )
        return Outcome(loggedIn: login.status == 0, sshdLog: login.stderr, predicted: predicted)
    }
}
