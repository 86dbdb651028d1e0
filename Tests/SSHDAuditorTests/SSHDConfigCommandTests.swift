import Foundation
import TestSupport
import Testing

/// `sshd-auditor config` run as a process, the way administrators and monitoring run it.
@Suite("sshd-auditor config, end to end")
struct SSHDConfigCommandTests {
    /// A temporary directory holding `files`, removed by `cleanup`.
    struct Workspace {
        let directory: URL

        init(_ files: [String: String]) throws {
            self.directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("sshd-auditor-config-\(UUID().uuidString)")
            for (path, text) in files {
                let url = self.directory.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true
                )
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }

        func path(_ name: String) -> String { self.directory.appendingPathComponent(name).path }
        func cleanup() { try? FileManager.default.removeItem(at: self.directory) }
    }

    private func auditor(_ arguments: [String]) throws -> CommandResult? {
        let binary = TestEnvironment.auditorBinary
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: binary),
                "\(binary) is not built (swift build)"
            )
        else { return nil }
        return try runCommand(binary, arguments, timeout: .seconds(30))
    }

    @Test("a valid config prints sshd -T lines and exits 0")
    func valid() throws {
        let workspace = try Workspace([
            "sshd_config": "Port 2222\nPasswordAuthentication no\nUsePrivilegeSeparation yes\n"
        ])
        defer { workspace.cleanup() }
        guard let result = try self.auditor(["config", "--file", workspace.path("sshd_config")]) else { return }
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("port 2222\naddressfamily any\nlistenaddress [::]:2222\n"))
        #expect(result.stdout.contains("\npasswordauthentication no\n"))
        #expect(
            result.stderr == "\(workspace.path("sshd_config")):3: warning: Deprecated option UsePrivilegeSeparation\n"
        )
    }

    @Test("a config sshd would refuse exits 1 naming the file and line")
    func invalid() throws {
        let workspace = try Workspace(["sshd_config": "Port 22\nPermitRootLogn no\n"])
        defer { workspace.cleanup() }
        guard let result = try self.auditor(["config", "--file", workspace.path("sshd_config")]) else { return }
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == "\(workspace.path("sshd_config")):2: error: Bad configuration option: PermitRootLogn\n"
        )
    }

    @Test("-C applies the Match blocks for that connection")
    func connection() throws {
        let workspace = try Workspace([
            "sshd_config":
                "PasswordAuthentication no\nMatch User alice Address 10.0.0.0/8\n  PasswordAuthentication yes\n"
        ])
        defer { workspace.cleanup() }
        let file = workspace.path("sshd_config")
        guard let alice = try self.auditor(["config", "--file", file, "-C", "user=alice,addr=10.1.2.3"]) else { return }
        #expect(alice.stdout.contains("\npasswordauthentication yes\n"))
        guard let bob = try self.auditor(["config", "--file", file, "-C", "user=bob,addr=10.1.2.3"]) else { return }
        #expect(bob.stdout.contains("\npasswordauthentication no\n"))
    }

    @Test("a bad -C specification is a usage error")
    func badSpec() throws {
        guard let result = try self.auditor(["config", "--file", "/dev/null", "-C", "colour=blue"]) else { return }
        #expect(result.status == 64)
        #expect(result.stderr.contains("Invalid test mode specification colour=blue"))
    }

    @Test("--json holds the ordered entries, validity and diagnostics")
    func json() throws {
        let workspace = try Workspace(["sshd_config": "Port 2222\nPort 2200\nFooBar 1\n"])
        defer { workspace.cleanup() }
        guard let result = try self.auditor(["config", "--file", workspace.path("sshd_config"), "--json"]) else {
            return
        }
        #expect(result.status == 1)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        )
        #expect(document["valid"] as? Bool == false)
        let entries = try #require(document["config"] as? [[String: String]])
        #expect(entries.prefix(2).map { $0["value"] } == ["2222", "2200"])
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["line"] as? Int == 3)
        #expect(diagnostics.first?["severity"] as? String == "error")
    }

    @Test("--root reads a config tree copied off another machine, Includes included")
    func root() throws {
        let workspace = try Workspace([
            "etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n",
            "etc/ssh/sshd_config.d/10-port.conf": "Port 2022\n",
        ])
        defer { workspace.cleanup() }
        guard
            let result = try self.auditor([
                "config", "--root", workspace.directory.path, "--file", "/etc/ssh/sshd_config",
            ])
        else { return }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("port 2022\nport 22\n"))
    }

    @Test("--help teaches with examples")
    func help() throws {
        guard let result = try self.auditor(["config", "--help"]) else { return }
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("-C user=alice"))
        #expect(result.stdout.contains("--json"))
    }

    @Test("its output is what the real sshd -T prints for Debian's shipped config")
    func sameAsSSHD() throws {
        let sshd = "/usr/sbin/sshd"
        guard TestEnvironment.require(FileManager.default.isExecutableFile(atPath: sshd), "no sshd"),
            TestEnvironment.require(FileManager.default.fileExists(atPath: "/run/sshd"), "sshd -T needs /run/sshd")
        else { return }
        let workspace = try Workspace([:])
        defer { workspace.cleanup() }
        try FileManager.default.createDirectory(at: workspace.directory, withIntermediateDirectories: true)
        let key = workspace.path("host_key")
        #expect(try runCommand("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]).status == 0)
        let config = try #require(
            Bundle.module.url(forResource: "Fixtures/sshd_config-cases/04-accumulating/sshd_config", withExtension: nil)
        ).path
        let real = try runCommand(sshd, ["-T", "-f", config, "-h", key])
        guard let ours = try self.auditor(["config", "--file", config]) else { return }
        let withoutHostKeys = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("hostkey ") } }
        #expect(real.status == 0)
        #expect(withoutHostKeys(ours.stdout) == withoutHostKeys(real.stdout))
    }
}
