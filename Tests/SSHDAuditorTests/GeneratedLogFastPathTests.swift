import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// The benchmark's generated auth.log (bench/gen-authlog.py: mixed OpenSSH versions, three stamp styles, other
/// daemons, injection attempts), read through the fast path and the owned path, and through the CLI.
@Suite("generated auth.log: fast path against owned path")
struct GeneratedLogFastPathTests {
    static let lineCount = 50_000

    /// Generates the log into a fresh directory, or returns `nil` (skip outside CI) without python3.
    func generate(in directory: URL) throws -> (log: String, expected: [String: Any])? {
        let python = "/usr/bin/python3"
        guard TestEnvironment.require(FileManager.default.isExecutableFile(atPath: python), "\(python) is missing")
        else { return nil }
        let log = directory.appendingPathComponent("auth.log").path
        let generator = TestEnvironment.repositoryRoot.appendingPathComponent("bench/gen-authlog.py").path
        let result = try runCommand(
            python,
            [generator, log, "--lines", String(Self.lineCount)],
            timeout: .seconds(120)
        )
        try #require(result.status == 0, "gen-authlog.py failed: \(result.stderr)")
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: log + ".expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [String: Any])
        return (log, expected)
    }

    func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logbench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test("every line renders alike on both paths, and the counts equal the generator's")
    func everyLine() throws {
        try self.withTemporaryDirectory { directory in
            guard let (log, expected) = try self.generate(in: directory) else { return }
            let parser = SSHDLogParser(year: 2026)
            var ranges = SSHDLogEventRanges()
            var owned = SSHDLogEvent(kind: .other)
            var summary = SSHDLogSummary()
            var mismatches: [String] = []
            try LogFileReader(chunkSize: 4096).forEachLine(inFile: log) { line in
                let fastKind = parser.parse(line: line, into: &ranges)
                let ownedKind = parser.parse(line: line, into: &owned)
                guard fastKind == ownedKind else {
                    mismatches.append("kind \(fastKind) vs \(ownedKind): \(String(decoding: line, as: UTF8.self))")
                    return
                }
                switch fastKind {
                case .otherProgram: summary.recordOtherProgram()
                case .unframed: summary.recordUnframed()
                case .sshd:
                    summary.recordEvent(ranges.kind)
                    var fast = ByteWriter()
                    ranges.appendJSONLine(line: line, to: &fast)
                    ranges.appendTextLine(line: line, to: &fast)
                    var slow = ByteWriter()
                    owned.appendJSONLine(to: &slow)
                    owned.appendTextLine(to: &slow)
                    if fast.bytes != slow.bytes || ranges.event(in: line) != owned {
                        mismatches.append(String(decoding: line, as: UTF8.self))
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) lines differ, first: \(mismatches.prefix(3))")
            #expect(summary.lines == Self.lineCount)
            #expect(summary.sshdLines == expected["sshd_lines"] as? Int)
            #expect(summary.otherProgramLines == expected["other_program_lines"] as? Int)
            #expect(summary.unframedLines == expected["unframed_lines"] as? Int)
            let kinds = try #require(expected["kinds"] as? [String: Int])
            for kind in SSHDLogEventKind.allCases {
                #expect(summary[kind] == kinds[kind.rawValue] ?? 0, "\(kind.rawValue)")
            }
        }
    }

    @Test("sshd-auditor events prints, from the fast path, what the owned events render")
    func commandOutput() throws {
        let binary = TestEnvironment.auditorBinary
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: binary),
                "\(binary) is not built (swift build, or set SSHD_AUDITOR_BIN)"
            )
        else { return }
        try self.withTemporaryDirectory { directory in
            guard let (log, _) = try self.generate(in: directory) else { return }
            let parser = SSHDLogParser(year: 2026)
            var owned = SSHDLogEvent(kind: .other)
            var json = ByteWriter()
            var text = ByteWriter()
            try LogFileReader().forEachLine(inFile: log) { line in
                guard parser.parse(line: line, into: &owned) == .sshd else { return }
                owned.appendJSONLine(to: &json)
                owned.appendTextLine(to: &text)
            }
            for (flags, rendered) in [(["--json"], json.bytes), ([], text.bytes)] {
                let result = try runCommand(
                    binary,
                    ["events", "--year", "2026"] + flags + [log],
                    timeout: .seconds(60)
                )
                #expect(result.status == 0)
                #expect(Array(result.stdout.utf8) == rendered, "events \(flags) differs from the owned rendering")
            }
        }
    }
}
