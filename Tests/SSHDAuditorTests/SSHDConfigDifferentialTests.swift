import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// Differential tests: every case under `Fixtures/sshd_config-cases` is evaluated by the auditor and by the
/// real `/usr/sbin/sshd -T`, and every key sshd prints must match. Cases that need files of their own are
/// directories; `@CASEDIR@` in them is replaced by the temporary copy's path, and a `connection` file holds
/// the `-C` specification.
@Suite("sshd_config compared with the real sshd -T")
struct SSHDConfigDifferentialTests {
    static let sshd = "/usr/sbin/sshd"
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    /// The keys the issue requires to match in every case.
    static let requiredKeys = [
        "port", "listenaddress", "addressfamily", "maxstartups", "persourcemaxstartups", "pubkeyauthentication",
        "passwordauthentication", "permitrootlogin", "strictmodes", "authorizedkeysfile", "allowusers",
        "denyusers", "logingracetime", "maxauthtries", "usepam",
    ]

    static func caseNames(_ directory: String) -> [String] {
        let url = self.fixtures.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted()
    }

    @Test("there are at least 20 cases and 10 rejected configs")
    func enoughCases() {
        #expect(Self.caseNames("sshd_config-cases").count >= 20)
        #expect(Self.caseNames("sshd_config-rejected").count >= 10)
    }

    @Test("the effective config matches sshd -T on every key", arguments: caseNames("sshd_config-cases"))
    func matchesSSHD(caseName: String) throws {
        guard let sandbox = try SSHDConfigCase.make(copying: "sshd_config-cases/\(caseName)") else { return }
        defer { sandbox.remove() }
        let spec = sandbox.connectionSpec
        var arguments = ["-T", "-f", sandbox.configPath, "-h", sandbox.hostKey]
        if let spec { arguments += ["-C", spec] }
        let real = try runCommand(Self.sshd, arguments, timeout: .seconds(30))
        try #require(real.status == 0, "sshd -T rejected case \(caseName): \(real.stderr)")

        let connection = try spec.map { try SSHDConnectionSpec.parse($0) }
        let loader = SSHDConfigLoader()
        let ours =
            connection.map { loader.load(path: sandbox.configPath, connection: $0) }
            ?? loader.load(path: sandbox.configPath)
        #expect(!ours.hasErrors, "\(ours.diagnostics)")

        let expected = Self.group(real.stdout)
        let actual = Self.group(ours.value.text)
        // sshd prints the -h key first; the auditor evaluates the config alone. Every other key is compared.
        let keys = Set(expected.keys).union(actual.keys).subtracting(["hostkey"])
        var matching = 0
        for key in keys.sorted() {
            if expected[key] == actual[key] {
                matching += 1
            } else {
                Issue.record("\(caseName): \(key): sshd -T \(expected[key] ?? []) but auditor \(actual[key] ?? [])")
            }
        }
        for key in Self.requiredKeys where !["allowusers", "denyusers"].contains(key) {
            #expect(expected[key] != nil, "sshd -T printed no \(key) in \(caseName)")
        }
        print("\(caseName): \(matching) of \(keys.count) keys match sshd -T")
    }

    @Test("configs sshd -t rejects are errors at the same line", arguments: caseNames("sshd_config-rejected"))
    func rejectsLikeSSHD(caseName: String) throws {
        guard let sandbox = try SSHDConfigCase.make(copying: "sshd_config-rejected/\(caseName)") else { return }
        defer { sandbox.remove() }
        let real = try runCommand(
            Self.sshd,
            ["-t", "-f", sandbox.configPath, "-h", sandbox.hostKey],
            timeout: .seconds(30)
        )
        #expect(real.status == 255, "sshd -t accepted \(caseName)")

        let ours = SSHDConfigLoader().load(path: sandbox.configPath)
        let errors = ours.diagnostics.filter { $0.severity == .error }
        try #require(!errors.isEmpty, "auditor accepted \(caseName)")
        // sshd names the line as "FILE line N:" or "at line N"; the auditor must blame the same one.
        if let match = real.stderr.firstMatch(of: /(?:([^\s:]+):? )?(?:at )?line (\d+)/), let line = Int(match.2) {
            #expect(errors.contains { $0.line == line }, "sshd: \(real.stderr) auditor: \(errors)")
            if let file = match.1.map(String.init), file.hasPrefix("/") {
                #expect(errors.contains { $0.file == file }, "sshd: \(real.stderr) auditor: \(errors)")
            }
        }
    }

    /// `keyword value` lines grouped by lower-cased keyword, values in order.
    static func group(_ text: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            result[parts[0].lowercased(), default: []].append(parts.count > 1 ? String(parts[1]) : "")
        }
        return result
    }
}

/// A temporary copy of one case, with a fresh host key for `sshd -T`.
struct SSHDConfigCase {
    let directory: URL
    var configPath: String { self.directory.appendingPathComponent("sshd_config").path }
    var hostKey: String { self.directory.appendingPathComponent("host_key").path }
    var connectionSpec: String? {
        let url = self.directory.appendingPathComponent("connection")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// `nil` (with the reason printed, or a failure in CI) when sshd cannot run here.
    static func make(copying fixture: String) throws -> SSHDConfigCase? {
        let manager = FileManager.default
        guard TestEnvironment.require(manager.isExecutableFile(atPath: SSHDConfigDifferentialTests.sshd), "no sshd")
        else { return nil }
        // sshd -T refuses to run without its privilege separation directory.
        if !manager.fileExists(atPath: "/run/sshd") && TestEnvironment.isRoot {
            try? manager.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        guard TestEnvironment.require(manager.fileExists(atPath: "/run/sshd"), "sshd -T needs /run/sshd (run as root)")
        else { return nil }

        let directory = manager.temporaryDirectory.appendingPathComponent("sshd-config-\(UUID().uuidString)")
        let source = SSHDConfigDifferentialTests.fixtures.appendingPathComponent(fixture)
        try manager.copyItem(at: source, to: directory)
        let sandbox = SSHDConfigCase(directory: directory)
        if let files = manager.enumerator(atPath: directory.path) {
            for case let relative as String in files {
                let url = directory.appendingPathComponent(relative)
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                try text.replacingOccurrences(of: "@CASEDIR@", with: directory.path)
                    .write(to: url, atomically: true, encoding: .utf8)
            }
        }
        let keygen = try runCommand(
            "/usr/bin/ssh-keygen",
            ["-q", "-t", "ed25519", "-N", "", "-f", sandbox.hostKey],
            timeout: .seconds(30)
        )
        guard keygen.status == 0 else {
            sandbox.remove()
            throw SSHDConfigCaseError(message: "ssh-keygen failed: \(keygen.stderr)")
        }
        return sandbox
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// A sandbox that could not be prepared.
struct SSHDConfigCaseError: Error, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
