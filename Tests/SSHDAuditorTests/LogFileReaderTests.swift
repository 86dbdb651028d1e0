import Foundation
import SSHDAuditCore
import SSHDAuditor
import Testing

@Suite("LogFileReader")
struct LogFileReaderTests {
    static var fixture: String {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures/logs/mixed-auth.log", withExtension: nil)).path
        }
    }

    @Test("any chunk size reads the same events as parsing the whole text", arguments: [1, 7, 64, 1 << 20])
    func chunkSizes(chunkSize: Int) throws {
        let path = try Self.fixture
        let parser = SSHDLogParser(year: 2026)
        let read = try LogFileReader(chunkSize: chunkSize).events(inFile: path, parser: parser)
        let whole = parser.parse(try String(contentsOfFile: path, encoding: .utf8), file: path)
        #expect(read.value == whole.value)
        #expect(read.value.count == 7)
        #expect(read.diagnostics == whole.diagnostics)
        #expect(read.diagnostics.map(\.line) == [9])
    }

    @Test("counts lines, including a last line without a newline")
    func lineCount() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("auth.log")
        try Data("one\ntwo\r\n\nfour".utf8).write(to: file)
        var lines: [String] = []
        let count = try LogFileReader(chunkSize: 3).forEachLine(inFile: file.path) {
            lines.append(String(decoding: $0, as: UTF8.self))
        }
        #expect(count == 4)
        #expect(lines == ["one", "two\r", "", "four"])
    }

    @Test("a missing file throws, naming the error")
    func missingFile() {
        #expect(throws: (any Error).self) {
            try LogFileReader().forEachLine(inFile: "/nonexistent/auth.log") { _ in }
        }
    }
}
