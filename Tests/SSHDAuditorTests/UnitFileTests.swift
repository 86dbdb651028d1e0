import Foundation
import SSHDAuditCore
import TestSupport
import Testing

@Suite("systemd unit and journal catalog")
struct UnitFileTests {
    static let unitPath = TestEnvironment.repositoryRoot.appendingPathComponent("systemd/sshd-auditor.service").path
    static let catalogPath = TestEnvironment.repositoryRoot.appendingPathComponent("systemd/sshd-auditor.catalog").path

    /// The `-- ID` entries of the catalog: id, Subject, body.
    static func catalogEntries() throws -> [(id: String, subject: String, body: String)] {
        let text = try String(contentsOfFile: Self.catalogPath, encoding: .utf8)
        var entries: [(id: String, subject: String, body: String)] = []
        for block in text.components(separatedBy: "\n-- ").dropFirst() {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let id = lines[0].trimmingCharacters(in: .whitespaces)
            let subject =
                lines.first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst("Subject: ".count)) } ?? ""
            entries.append((id, subject, lines.dropFirst().joined(separator: "\n")))
        }
        return entries
    }

    @Test("systemd-analyze security --offline=true rates the unit 2.0 or lower")
    func exposure() throws {
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"),
                "systemd-analyze is not installed"
            )
        else { return }
        let result = try runCommand(
            "/usr/bin/systemd-analyze",
            ["security", "--offline=true", "--no-pager", Self.unitPath],
            timeout: .seconds(60)
        )
        let output = result.stdout + result.stderr
        let line = try #require(
            output.split(separator: "\n").first { $0.contains("Overall exposure level") },
            "no exposure line in: \(output)"
        )
        // "→ Overall exposure level for sshd-auditor.service: 1.6 OK 🙂"
        let words = line.split(separator: ":").last?.split(separator: " ") ?? []
        let score = try #require(words.first.flatMap { Double($0) }, "cannot read the score in: \(line)")
        print("systemd-analyze security --offline=true systemd/sshd-auditor.service: \(score)")
        #expect(score <= 2.0, "\(output)")
    }

    @Test("the unit has the settings the daemon relies on")
    func unitSettings() throws {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for required in [
            "Type=notify", "NotifyAccess=main", "WatchdogSec=2min", "Restart=on-failure",
            "RestrictAddressFamilies=AF_UNIX AF_NETLINK",
            "RuntimeDirectory=sshd-auditor", "StateDirectory=sshd-auditor", "ExecReload=kill -HUP $MAINPID",
            "ExecStart=/usr/local/bin/sshd-auditor run", "SupplementaryGroups=systemd-journal adm",
            "ProtectSystem=strict", "NoNewPrivileges=yes", "User=sshd-auditor",
        ] {
            #expect(lines.contains(required), "missing \(required)")
        }
    }

    @Test("WatchdogSec leaves the default PollInterval in force: the daemon caps its poll at half the watchdog")
    func watchdogCoversThePoll() throws {
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
        let value = try #require(
            text.split(separator: "\n").first { $0.hasPrefix("WatchdogSec=") }?.dropFirst("WatchdogSec=".count)
        )
        let watchdog = try #require(SystemdTimeSpan.parse(String(value)))
        #expect(watchdog / 2 >= AuditorConfiguration.default.pollInterval)
    }

    @Test("the sysusers.d file creates the user the unit runs as")
    func sysusers() throws {
        let path = TestEnvironment.repositoryRoot.appendingPathComponent("systemd/sshd-auditor.sysusers").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter {
            !$0.hasPrefix("#")
        }
        #expect(lines.map { $0.split(separator: " ").prefix(3).joined(separator: " ") } == ["u sshd-auditor -"])
    }

    @Test("every check has a raised and a resolved catalog entry with its message id, and nothing else")
    func catalogCoversEveryCheck() throws {
        let entries = try Self.catalogEntries()
        let expected = CheckID.allCases.flatMap { [$0.raisedMessageID, $0.resolvedMessageID] }
        #expect(entries.map(\.id).sorted() == expected.sorted())
        for check in CheckID.allCases {
            let raised = try #require(entries.first { $0.id == check.raisedMessageID })
            let resolved = try #require(entries.first { $0.id == check.resolvedMessageID })
            #expect(raised.subject.contains("(\(check.rawValue))"))
            #expect(resolved.subject.hasPrefix("resolved: "))
            #expect(raised.body.contains("Defined-By: sshd-auditor"))
            // Every raised entry says how to fix it with at least one concrete command.
            #expect(raised.body.contains("\n    "), "\(check.rawValue) has no command to run")
        }
    }

    @Test("the catalog's @FIELD@ substitutions name fields the findings use")
    func catalogFieldsExist() throws {
        let known: Set<String> = [
            FindingField.unit, FindingField.unitState, FindingField.unitResult, FindingField.restarts,
            FindingField.configuredPorts, FindingField.configuredAddresses, FindingField.listeningPorts,
            FindingField.listeningAddresses, FindingField.portHolder, FindingField.startups,
            FindingField.maxStartups, FindingField.droppedConnections, FindingField.sourceAddress,
            FindingField.failures, FindingField.window, FindingField.path, FindingField.binary,
            FindingField.configFile, FindingField.configErrors, FindingField.configTestStatus,
        ]
        let text = try String(contentsOfFile: Self.catalogPath, encoding: .utf8)
        let parts = text.components(separatedBy: "@")
        // Between two @ signs at odd positions: a field reference.
        var referenced: Set<String> = []
        for (index, part) in parts.enumerated() where index % 2 == 1 {
            referenced.insert(part)
        }
        #expect(!referenced.isEmpty)
        #expect(referenced.subtracting(known).isEmpty, "unknown fields: \(referenced.subtracting(known))")
    }

    @Test("journalctl compiles the catalog and lists every entry")
    func journalctlCompilesCatalog() throws {
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: "/usr/bin/journalctl"),
                "journalctl is not installed"
            )
        else { return }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sshd-auditor-catalog-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: root) }
        let catalogDirectory = root.appendingPathComponent("usr/lib/systemd/catalog")
        try FileManager.default.createDirectory(at: catalogDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.catalogPath,
            toPath: catalogDirectory.appendingPathComponent("sshd-auditor.catalog").path
        )

        let update = try runCommand(
            "/usr/bin/journalctl",
            ["--root=\(root.path)", "--update-catalog"],
            timeout: .seconds(30)
        )
        #expect(update.status == 0, "\(update.stderr)")
        #expect(!update.stderr.contains("sshd-auditor.catalog:"), "journalctl complained: \(update.stderr)")

        let list = try runCommand(
            "/usr/bin/journalctl",
            ["--root=\(root.path)", "--list-catalog"],
            timeout: .seconds(30)
        )
        #expect(list.status == 0)
        let listed = Set(
            list.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        )
        for check in CheckID.allCases {
            #expect(listed.contains(check.raisedMessageID), "\(check.rawValue) raised")
            #expect(listed.contains(check.resolvedMessageID), "\(check.rawValue) resolved")
        }

        let dump = try runCommand(
            "/usr/bin/journalctl",
            ["--root=\(root.path)", "--dump-catalog", CheckID.configInvalid.raisedMessageID],
            timeout: .seconds(30)
        )
        #expect(dump.stdout.contains("sshd -t"))
    }
}
