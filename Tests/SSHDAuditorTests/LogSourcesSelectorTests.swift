import Foundation
import SSHDAuditCore
import SSHDAuditor
import Testing

/// `LogSourceSelector` on real files: `auto` reads the file only when sshd's lines are in it.
@Suite("LogSourceSelector")
struct LogSourcesSelectorTests {
    static let sshdLine = "Nov 21 10:00:00 host sshd[100]: Server listening on 0.0.0.0 port 22.\n"
    static let cronLine = "Nov 21 10:00:00 host CRON[5]: pam_unix(cron:session): session opened for user root\n"

    @Test(
        "auto chooses the file only when it or its last rotation holds sshd lines",
        arguments: [
            ([String: String](), false),
            (["auth.log": cronLine], false),
            (["auth.log": ""], false),
            (["auth.log": cronLine + sshdLine], true),
            (["auth.log": "", "auth.log.1": sshdLine], true),
            (["auth.log.1": sshdLine], false),
        ]
    )
    func auto(files: [String: String], choosesFile: Bool) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("selector-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, content) in files {
            try Data(content.utf8).write(to: directory.appendingPathComponent(name))
        }
        let path = directory.appendingPathComponent("auth.log").path
        let choice = LogSourceSelector.choose(mode: .automatic, filePath: path)
        switch choice {
        case .file(let chosen, _):
            #expect(choosesFile)
            #expect(chosen == path)
        case .journal:
            #expect(!choosesFile)
        }
    }

    @Test("journal and file force their source whatever is on disk")
    func forced() {
        let missing = "/nonexistent/\(UUID().uuidString)/auth.log"
        #expect(
            LogSourceSelector.choose(mode: .file, filePath: missing) == .file(path: missing, reason: "LogSource=file")
        )
        #expect(
            LogSourceSelector.choose(mode: .journal, filePath: "/etc/passwd") == .journal(reason: "LogSource=journal")
        )
    }

    @Test("makeSource builds the chosen source with its state file in the state directory")
    func makeSource() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("selector-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("auth.log").path
        try Data((Self.sshdLine).utf8).write(to: URL(fileURLWithPath: log))
        let source = try LogSourceSelector.makeSource(
            for: .file(path: log, reason: "test"),
            stateDirectory: directory.path,
            classicYear: .fixed(2026)
        )
        let follower = try #require(source as? AuthLogFollower)
        #expect(follower.path == log)
        #expect(follower.stateFilePath == directory.appendingPathComponent("auth-log.position").path)
        #expect(try source.readNewEvents(limit: 10).isEmpty)
        #expect(FileManager.default.fileExists(atPath: follower.stateFilePath ?? ""))
    }
}
