import Foundation
import Logging
import SSHDAuditCore
import SystemPackage
import Testing

@testable import SSHDAuditor

/// The daemon's state files (log positions, the alert state) read back whole, however large the daemon wrote
/// them, up to ``(16 << 20)``, and refused beyond it rather than cut short.
@Suite("State files")
struct StateFileTests {
    private func directory() throws -> String {
        let path = NSTemporaryDirectory() + "sshd-auditor-statefile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a file written in pieces reads back whole, past the 64 KiB read size; a missing one reads as nil")
    func roundTrip() throws {
        let directory = try self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = StateFile(path: directory + "/state")
        #expect(try file.read() == nil)

        var generator = SystemRandomNumberGenerator()
        let content = (0..<(1 << 20) + 12_345).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try file.write { output in
            for start in stride(from: 0, to: content.count, by: 10_000) {
                try content[start..<min(start + 10_000, content.count)].withUnsafeBytes { try output($0) }
            }
        }
        let read = try file.read()
        #expect(read?.count == content.count)
        let same = read == content  // compared apart: a failing #expect would print a megabyte of bytes
        #expect(same, "the bytes read differ from those written")
    }

    @Test("a file larger than the bound is refused with EFBIG, naming it, not read in part")
    func tooLarge() throws {
        let directory = try self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: (16 << 20) + 1)))
        #expect(throws: LogSourceError(operation: "read", path: path, errno: .fileTooLarge)) {
            try StateFile(path: path).read()
        }
        try FileManager.default.removeItem(atPath: path)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: (16 << 20))))
        #expect(try StateFile(path: path).read()?.count == (16 << 20))
    }

    @Test("an alert state of 2,000 raised alerts (a flood's, 600 KB) is loaded whole at start")
    func largeAlertStateLoadsWhole() throws {
        let directory = try self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = AuditorConfiguration(stateDirectory: directory)
        let addresses = (0..<2000).map { "10.77.\($0 / 250).\($0 % 250 + 1)" }
        var state = AlertState(reraiseInterval: configuration.reraiseInterval)
        let findings = addresses.map { address in
            Finding(
                check: .authFailureBurst,
                severity: .warning,
                summary: "12 authentication failures from \(address) in the last 1min",
                subject: address,
                fields: [FindingField.sourceAddress: address, FindingField.failures: "12", FindingField.window: "1min"]
            )
        }
        _ = state.update(with: findings, at: .seconds(100))
        var generator = SystemRandomNumberGenerator()
        let mark = AlertJournalMark.fresh(using: &generator)
        let logger = Logger(label: "test")
        AlertStateLoader.save(state, mark: mark, path: AlertStateLoader.path(configuration), logger: logger)
        let size = try FileManager.default.attributesOfItem(atPath: AlertStateLoader.path(configuration))[.size] as? Int
        #expect((size ?? 0) > 4 << 16, "the state should be several read chunks long: \(size ?? 0) bytes")

        let loaded = AlertStateLoader.load(configuration: configuration, journal: nil, logger: logger)
        let missing = Set(addresses).subtracting(loaded.state.raised.map(\.subject))
        #expect(missing.isEmpty, "\(missing.count) of 2,000 raised alerts not loaded")
        #expect(loaded.state.raised.count == 2000)
        #expect(loaded.mark == mark, "the mark, at the file's end, was read")
    }
}
