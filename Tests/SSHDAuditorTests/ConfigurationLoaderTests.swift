import Foundation
import SSHDAuditCore
import TestSupport
import Testing

@testable import SSHDAuditor

@Suite("Configuration loader and the shipped sshd-auditor.conf")
struct ConfigurationLoaderTests {
    /// A fresh directory under the system temp dir, removed by the caller.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sshd-auditor-conf-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("the shipped file lists every key, commented out, with exactly the default the code uses")
    func shippedFileMatchesDefaults() throws {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("config/sshd-auditor.conf")
        let text = try String(contentsOf: url, encoding: .utf8)
        // As shipped, every line is a comment or a section: it changes nothing.
        let asShipped = AuditorConfiguration.parse(text, file: url.path)
        #expect(asShipped.diagnostics.isEmpty)
        #expect(asShipped.value == AuditorConfiguration.default)

        // Uncommented, each `#Key=value` must be a known key of its section, spelled as the code renders its
        // default, and the whole file must still give the defaults.
        var section = ""
        var seen: [String] = []
        var uncommented: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("[") {
                section = String(line.dropFirst().dropLast())
                uncommented.append(line)
                continue
            }
            guard line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[line.index(after: line.startIndex)..<equals])
            // Explanations are comments too; a commented-out setting is `#Name=` with a bare name.
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }) else { continue }
            let value = String(line[line.index(after: equals)...])
            let key = try #require(
                AuditorConfigurationKey.all.first { $0.section == section && $0.name == name },
                "[\(section)] \(name) is in the file but the code does not know it"
            )
            #expect(value == key.render(.default), "[\(section)] \(name): file says '\(value)'")
            seen.append("\(section).\(name)")
            uncommented.append(String(line.dropFirst()))
        }
        let known = AuditorConfigurationKey.all.map { "\($0.section).\($0.name)" }
        #expect(seen == known, "the file lists keys in the code's order, all of them")
        let parsed = AuditorConfiguration.parse(uncommented.joined(separator: "\n"))
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.value == AuditorConfiguration.default)
    }

    @Test("main file then drop-ins in lexical order; only *.conf; later wins")
    func dropIns() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let main = directory.appendingPathComponent("sshd-auditor.conf")
        let dropIns = directory.appendingPathComponent("sshd-auditor.conf.d")
        try FileManager.default.createDirectory(at: dropIns, withIntermediateDirectories: true)
        try "[Daemon]\nPollInterval=10s\n[Checks]\nDisable=sshd-down\n".write(
            to: main,
            atomically: true,
            encoding: .utf8
        )
        try "[Daemon]\nPollInterval=20s\n".write(
            to: dropIns.appendingPathComponent("90-late.conf"),
            atomically: true,
            encoding: .utf8
        )
        try "[Daemon]\nPollInterval=15s\n[Checks]\nDisable=port-mismatch\n".write(
            to: dropIns.appendingPathComponent("10-early.conf"),
            atomically: true,
            encoding: .utf8
        )
        try "[Daemon]\nPollInterval=99s\n".write(
            to: dropIns.appendingPathComponent("50-ignored.conf.disabled"),
            atomically: true,
            encoding: .utf8
        )
        let loader = ConfigurationLoader(mainFile: main.path, dropInDirectory: dropIns.path)
        let loaded = try loader.load()
        #expect(
            loaded.files.map { URL(fileURLWithPath: $0).lastPathComponent } == [
                "sshd-auditor.conf", "10-early.conf", "90-late.conf",
            ]
        )
        #expect(loaded.configuration.pollInterval == .seconds(20))
        #expect(loaded.configuration.disabledChecks == [.sshdDown, .portMismatch])
    }

    @Test("no files at all: the defaults")
    func nothingThere() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let loader = ConfigurationLoader(
            mainFile: directory.appendingPathComponent("missing.conf").path,
            dropInDirectory: directory.appendingPathComponent("missing.d").path
        )
        let loaded = try loader.load()
        #expect(loaded.configuration == AuditorConfiguration.default)
        #expect(loaded.files.isEmpty)
    }

    @Test("a drop-in that cannot be read fails the load, naming it and why")
    func unreadableDropIn() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A directory named like a drop-in is listed but cannot be read as a file (EISDIR).
        let dropIn = directory.appendingPathComponent("30-directory.conf")
        try FileManager.default.createDirectory(at: dropIn, withIntermediateDirectories: true)
        let loader = ConfigurationLoader(
            mainFile: directory.appendingPathComponent("none.conf").path,
            dropInDirectory: directory.path
        )
        #expect(loader.files() == [dropIn.path])
        let error = try #require(throws: ConfigurationError.self) { try loader.load() }
        #expect(error == .unreadable(file: dropIn.path, reason: "Is a directory"), "\(error)")
    }

    @Test("a bad line in a drop-in fails the load, naming the drop-in and the line")
    func badDropIn() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dropIn = directory.appendingPathComponent("20-typo.conf")
        try "[Daemon]\n\nPolInterval=5s\n".write(to: dropIn, atomically: true, encoding: .utf8)
        let loader = ConfigurationLoader(
            mainFile: directory.appendingPathComponent("none.conf").path,
            dropInDirectory: directory.path
        )
        let error = try #require(throws: ConfigurationError.self) { try loader.load() }
        guard case .invalid(let diagnostics) = error else {
            Issue.record("expected .invalid, got \(error)")
            return
        }
        #expect(diagnostics.map(\.line) == [3])
        #expect(error.description.hasPrefix("\(dropIn.path):3: error: unknown key 'PolInterval'"))
    }
}
