import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `AuthLogFollower` on real files in a temporary directory, rotated the ways logrotate rotates them. Every test
/// identifies events by their port (`Failed password ... port N`) and asserts the exact sequence read: nothing
/// lost, nothing twice.
@Suite("AuthLogFollower")
struct LogSourcesAuthLogFollowerTests {
    @Test("first start begins at the end; appended lines are read once; other programs' lines are skipped")
    func appends() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...3)
        let follower = log.follower()
        #expect(try follower.readPorts() == [])
        #expect(follower.takeNotices().map(\.kind) == [.startedWithoutState])
        try log.append(ports: 4...5)
        try log.append(raw: Self.cronLine)
        try log.append(ports: 6...6)
        #expect(try follower.readPorts() == [4, 5, 6])
        #expect(try follower.readPorts() == [])
    }

    @Test("starting from the start reads the whole file, with the year the caller gave")
    func fromStart() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...3)
        let follower = log.follower(start: .start)
        let events = try follower.readNewEvents(limit: 100)
        #expect(events.map(\.port) == [1, 2, 3])
        #expect(events.allSatisfy { $0.kind == .failedPassword && $0.timestamp?.year == 2026 })
        #expect(events.first?.address == "192.0.2.1")
    }

    @Test("a partial last line is held back until its newline arrives")
    func partialLines() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start)
        try log.append(raw: LogDirectory.line(port: 1) + LogDirectory.line(port: 2).dropLast(10))
        #expect(try follower.readPorts() == [1])
        try log.append(raw: String(LogDirectory.line(port: 2).suffix(10)))
        #expect(try follower.readPorts() == [2])
        #expect(try follower.readPorts() == [])
    }

    @Test("starting at the end keeps a line that is still being written: it is read once complete")
    func endInsidePartialLine() throws {
        let log = try LogDirectory()
        try log.append(raw: LogDirectory.line(port: 1) + LogDirectory.line(port: 2).dropLast(5))
        let follower = log.follower()
        #expect(try follower.readPorts() == [])
        try log.append(raw: String(LogDirectory.line(port: 2).suffix(5)) + LogDirectory.line(port: 3))
        #expect(try follower.readPorts() == [2, 3])
    }

    @Test("the state file records the followed file's device, inode and offset")
    func stateFileContent() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...4)
        let follower = log.follower(start: .start)
        #expect(try follower.readPorts() == [1, 2, 3, 4])
        let attributes = try FileManager.default.attributesOfItem(atPath: log.logPath)
        let inode = try #require(attributes[.systemFileNumber] as? UInt64)
        let size = try #require(attributes[.size] as? UInt64)
        let text = try String(contentsOfFile: log.stateFile, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.contains("path=\(log.logPath)"))
        #expect(lines.contains("inode=\(inode)"))
        #expect(lines.contains("offset=\(size)"))
        guard case .file(let position) = try #require(follower.position) else {
            Issue.record("a file follower reports a file position")
            return
        }
        #expect(position.inode == inode && position.offset == Int64(size))
        // Four lines are longer than the fingerprint, which covers the first 256 bytes.
        #expect(size > 256 && position.headLength == LogFilePosition.fingerprintLimit)
    }

    @Test("reads in batches of at most `limit` events, each event once")
    func limit() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...10)
        let follower = log.follower(start: .start)
        #expect(try follower.readPorts(limit: 4) == [1, 2, 3, 4])
        #expect(follower.hasPendingInput)
        #expect(try follower.readPorts(limit: 4) == [5, 6, 7, 8])
        #expect(try follower.readPorts(limit: 4) == [9, 10])
        #expect(!follower.hasPendingInput)
    }

    @Test("a backlog of other programs' lines is read in bounded calls that say more is pending")
    func readBudget() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start, readSize: 4096)
        // 20 buffers of other programs' lines, more than one call reads.
        try log.append(raw: String(repeating: Self.cronLine, count: 20 * 4096 / Self.cronLine.utf8.count))
        try log.append(ports: 1...1)
        #expect(try follower.readPorts() == [])
        #expect(follower.hasPendingInput)
        #expect(try follower.readPorts() == [1])
        #expect(!follower.hasPendingInput)
    }

    @Test("batches read without saving: the position is saved by savePosition(), once, for the whole run")
    func deferredSave() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...5)
        let follower = log.follower(start: .start)
        #expect(try follower.readNewEvents(limit: 2, savingPosition: false).map(\.port) == [1, 2])
        #expect(try follower.readNewEvents(limit: 2, savingPosition: false).map(\.port) == [3, 4])
        // Not saved yet: a restart reads the run again.
        #expect(try log.follower(start: .start).readPorts() == [1, 2, 3, 4, 5])
        follower.savePosition()
        #expect(try log.follower(start: .start).readPorts() == [5])
        #expect(follower.takeNotices().map(\.kind) == [.startedWithoutState])
    }

    @Test("a state file that cannot be written is reported; the events are still returned")
    func stateNotSaved() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...2)
        let follower = log.follower(start: .start, stateFile: log.path("missing-directory/state"))
        #expect(try follower.readPorts() == [1, 2])
        #expect(follower.takeNotices().map(\.kind) == [.startedWithoutState, .stateNotSaved])
        #expect(try follower.readPorts() == [])
    }

    @Test("a read error names the call and the file; the follower reads normally once the file is readable")
    func readError() throws {
        let log = try LogDirectory()
        try FileManager.default.createDirectory(atPath: log.logPath, withIntermediateDirectories: false)
        let follower = log.follower(start: .start)
        let error = try #require(throws: LogSourceError.self) { try follower.readNewEvents(limit: 10) }
        #expect(error.operation == "read" && error.path == log.logPath)
        try FileManager.default.removeItem(atPath: log.logPath)
        try log.append(ports: 1...2)
        #expect(try follower.readPorts() == [1, 2])
    }

    @Test("a large file with other programs' lines, read in bounded batches across a rotation: each event once")
    func largeFile() throws {
        let log = try LogDirectory()
        let lineCount = 200_000
        func lines(_ range: ClosedRange<Int>) -> String {
            range.map { $0 % 4 == 0 ? Self.cronLine : LogDirectory.line(port: $0) }.joined()
        }
        try log.append(raw: lines(1...(lineCount / 2)))
        let follower = log.follower(start: .start)
        var ports: [Int] = []
        var calls = 0
        var elapsed = Duration.zero
        func read() throws {
            let started = ContinuousClock.now
            ports += try follower.readNewEvents(limit: 5_000).compactMap(\.port)
            elapsed += ContinuousClock.now - started
            calls += 1
        }
        // A few batches, then logrotate renames the file and the writer goes on in a new one.
        for _ in 0..<3 { try read() }
        try log.rename(to: "auth.log.1")
        try log.append(raw: lines((lineCount / 2 + 1)...lineCount))
        repeat { try read() } while follower.hasPendingInput && calls < 1_000
        let expected = (1...lineCount).filter { $0 % 4 != 0 }
        // Compared as a whole, but reported by count and first difference: 150,000 numbers help no one.
        let firstDifference = zip(ports, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(ports.count == expected.count)
        #expect(firstDifference == nil)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "AuthLogFollower: \(lineCount) lines (\(ports.count) events) in \(calls) calls, \(elapsed), "
                + "\(Int(Double(lineCount) / seconds)) lines/s (debug build)"
        )
    }

    static let cronLine = "Nov 21 10:00:00 host CRON[5]: pam_unix(cron:session): session opened for user root\n"

    @Test("rename-and-create: finishes the renamed file, staying on it while the new one is empty")
    func renameAndCreate() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start)
        try log.append(ports: 1...2)
        #expect(try follower.readPorts() == [1, 2])
        try log.append(ports: 3...3)
        try log.rename(to: "auth.log.1")
        try log.create()
        // The writer has not reopened the log yet: it still appends to the renamed file.
        try log.append(ports: 4...4, to: "auth.log.1")
        #expect(try follower.readPorts() == [3, 4])
        try log.append(ports: 5...5, to: "auth.log.1")
        try log.append(ports: 6...7)
        #expect(try follower.readPorts() == [5, 6, 7])
        #expect(follower.takeNotices().map(\.kind).contains(.rotated))
        try log.append(ports: 8...8)
        #expect(try follower.readPorts() == [8])
    }

    @Test("rename-and-create with a date suffix (RHEL's dateext) and the new file already written")
    func dateext() throws {
        let log = try LogDirectory(name: "secure")
        let follower = log.follower(start: .start)
        try log.append(ports: 1...1)
        #expect(try follower.readPorts() == [1])
        try log.append(ports: 2...3)
        try log.rename(to: "secure-20261121")
        try log.append(ports: 4...5)
        #expect(try follower.readPorts() == [2, 3, 4, 5])
    }

    @Test("copytruncate: reads the copy's unread tail, then the truncated file from its start")
    func copytruncate() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start)
        try log.append(ports: 1...2)
        #expect(try follower.readPorts() == [1, 2])
        try log.append(ports: 3...4)
        try log.copy(to: "auth.log.1")
        try log.truncate()
        try log.append(ports: 5...5)
        #expect(try follower.readPorts() == [3, 4, 5])
        #expect(follower.takeNotices().map(\.kind) == [.startedWithoutState, .truncated])
        try log.append(ports: 6...6)
        #expect(try follower.readPorts() == [6])
    }

    @Test("copytruncate noticed although the file grew past the old offset (fingerprint, not size)")
    func copytruncateRegrown() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start)
        try log.append(ports: 1...2)
        #expect(try follower.readPorts() == [1, 2])
        try log.copy(to: "auth.log.1")
        try log.truncate()
        // Longer than the two lines read, so size alone would look like ordinary growth.
        try log.append(ports: 100...110)
        #expect(try follower.readPorts() == (100...110).map { Optional($0) })
    }

    @Test("truncated with no copy beside it: reports the unread bytes lost and reads the new content")
    func truncatedWithoutCopy() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start)
        try log.append(ports: 1...3)
        #expect(try follower.readPorts(limit: 1) == [1])
        try log.truncate()
        try log.append(ports: 4...4)
        #expect(try follower.readPorts() == [4])
        let notice = try #require(follower.takeNotices().last)
        #expect(notice.kind == .truncated)
        #expect(notice.message.contains("\(2 * LogDirectory.line(port: 2).utf8.count) unread bytes lost"))
    }

    @Test("rotate then gzip before the tail was read: reports the lost bytes and reads the new file")
    func rotateThenGzip() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start)
        try log.append(ports: 1...1)
        #expect(try follower.readPorts() == [1])
        try log.append(ports: 2...2)
        #expect(try follower.readPorts() == [2])
        try log.append(ports: 3...3)
        try log.rename(to: "auth.log.1")
        try log.gzip("auth.log.1")
        try log.append(ports: 4...5)
        // `follower` last saw the file before line 3 was written, so it cannot say how much was lost.
        #expect(try follower.readPorts() == [4, 5])
        let notice = try #require(follower.takeNotices().first { $0.kind == .linesLost })
        #expect(notice.message.contains("auth.log.1.gz"))

        // A follower that saw the file's size before the rotation says how much it lost at least.
        let sized = log.follower(start: .start, stateFile: nil)
        #expect(try sized.readPorts() == [4, 5])
        try log.append(ports: 6...7)
        #expect(try sized.readPorts(limit: 1) == [6])
        try log.rename(to: "auth.log.2")
        try log.gzip("auth.log.2")
        try log.append(ports: 8...8)
        #expect(try sized.readPorts() == [8])
        let lost = try #require(sized.takeNotices().first { $0.kind == .linesLost })
        #expect(lost.message.contains("at least \(LogDirectory.line(port: 7).utf8.count) unread bytes lost"))
    }

    @Test("a restarted follower resumes mid-file from the state file, also across a rotation")
    func restart() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...2)
        let first = log.follower(start: .start)
        #expect(try first.readPorts() == [1, 2])
        try log.append(ports: 3...4)
        #expect(try first.readPorts(limit: 1) == [3])

        let second = log.follower(start: .start)
        #expect(try second.readPorts() == [4])
        #expect(second.takeNotices().isEmpty)
        try log.append(ports: 5...5)
        try log.rename(to: "auth.log.1")
        try log.append(ports: 6...6)

        let third = log.follower(start: .start)
        #expect(try third.readPorts() == [5, 6])
        let fourth = log.follower(start: .start)
        #expect(try fourth.readPorts() == [])
        // The state file was replaced atomically: no temporary file is left beside it.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: log.directory.path)
        #expect(leftovers.sorted() == ["auth.log", "auth.log.1", "state"])
    }

    @Test("a daemon down across two rotations reads the older rotation, then the newer, then the new file")
    func twoRotationsWhileDown() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...1)
        #expect(try log.follower(start: .start).readPorts() == [1])
        try log.append(ports: 2...2)
        try log.rename(to: "auth.log.1")
        try log.append(ports: 3...3)
        try log.rename("auth.log.1", to: "auth.log.2")
        try log.rename(to: "auth.log.1")
        try log.append(ports: 4...4)
        let restarted = log.follower(start: .start)
        #expect(try restarted.readPorts() == [2, 3, 4])
        #expect(restarted.takeNotices().map(\.kind) == [.rotated, .rotated])
    }

    @Test("down across two rotations with delaycompress: the compressed one is reported lost, the rest read")
    func twoRotationsWithDelaycompress() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...1)
        #expect(try log.follower(start: .start).readPorts() == [1])
        try log.append(ports: 2...2)
        try log.rename(to: "auth.log.1")
        try log.append(ports: 3...3)
        try log.rename("auth.log.1", to: "auth.log.2")
        try log.gzip("auth.log.2")
        try log.rename(to: "auth.log.1")
        try log.append(ports: 4...4)
        let restarted = log.follower(start: .start)
        #expect(try restarted.readPorts() == [3, 4])
        let notices = restarted.takeNotices()
        #expect(notices.map(\.kind) == [.linesLost, .rotated])
        #expect(notices.first?.message.contains("auth.log.2.gz") == true)
    }

    @Test("a corrupt state file is reported and reading restarts at the end", arguments: ["", "garbage\n", "path=x\n"])
    func corruptState(content: String) throws {
        let log = try LogDirectory()
        try log.append(ports: 1...2)
        try Data(content.utf8).write(to: URL(fileURLWithPath: log.stateFile))
        let follower = log.follower()
        #expect(try follower.readPorts() == [])
        #expect(follower.takeNotices().map(\.kind) == [.stateReset])
        try log.append(ports: 3...3)
        #expect(try follower.readPorts() == [3])
    }

    @Test("a state file for another path is not applied to this one")
    func stateForOtherPath() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...2)
        let other = log.follower(start: .start, path: log.path("other.log"))
        #expect(try other.readPorts() == [])
        let follower = log.follower(start: .start)
        #expect(try follower.readPorts() == [1, 2])
        #expect(follower.takeNotices().map(\.kind) == [.stateReset])
    }

    @Test("a file that appears after the first look is read from its start")
    func appearsLater() throws {
        let log = try LogDirectory()
        let follower = log.follower()
        #expect(try follower.readPorts() == [])
        #expect(follower.takeNotices().map(\.kind) == [.startedWithoutState, .fileMissing])
        try log.append(ports: 1...2)
        #expect(try follower.readPorts() == [1, 2])
    }

    @Test("a line longer than the read buffer is skipped with a notice, the lines around it are read")
    func overlongLine() throws {
        let log = try LogDirectory()
        let follower = log.follower(start: .start, readSize: 4096)
        try log.append(ports: 1...1)
        try log.append(
            raw: "Nov 21 10:00:00 host sshd[1]: Failed password for " + String(repeating: "x", count: 10_000)
        )
        #expect(try follower.readPorts() == [1])
        try log.append(raw: " from 192.0.2.9 port 9 ssh2\n")
        try log.append(ports: 2...2)
        #expect(try follower.readPorts() == [2])
        #expect(follower.takeNotices().map(\.kind) == [.startedWithoutState, .overlongLineSkipped])
    }
}

/// A temporary directory holding one log file and a state file, removed when the value is dropped (shared with
/// LogSourcesReadinessTests and LogSourcesLogrotateTests).
final class LogDirectory {
    let directory: URL
    let name: String

    init(name: String = "auth.log") throws {
        self.name = name
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("logsource-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: self.directory)
    }

    var logPath: String { self.path(self.name) }
    var stateFile: String { self.path("state") }

    func path(_ name: String) -> String { self.directory.appendingPathComponent(name).path }

    /// A follower of the log (or of `path`) with the year 2026 for classic stamps. `stateFile`: the directory's
    /// state file when not given, another path, or `nil` for none (memory only).
    func follower(
        start: LogStartPosition = .end,
        stateFile: String?? = .some(nil),
        path: String? = nil,
        readSize: Int = AuthLogFollower.defaultReadSize
    ) -> AuthLogFollower {
        let state: String? =
            switch stateFile {
            case .some(.none): self.stateFile
            case .some(.some(let path)): path
            case .none: nil
            }
        return AuthLogFollower(
            path: path ?? self.logPath,
            stateFilePath: state,
            startPosition: start,
            classicYear: .fixed(2026),
            readSize: readSize
        )
    }

    /// A syslog line from sshd whose event carries `port`.
    static func line(port: Int) -> String {
        "Nov 21 10:00:00 host sshd[100]: Failed password for root from 192.0.2.1 port \(port) ssh2\n"
    }

    func append(ports: ClosedRange<Int>, to name: String? = nil) throws {
        try self.append(raw: ports.map { Self.line(port: $0) }.joined(), to: name)
    }

    /// Appends as a syslog daemon does: `O_APPEND`, one write.
    func append(raw text: String, to name: String? = nil) throws {
        let path = self.path(name ?? self.name)
        if !FileManager.default.fileExists(atPath: path) { try self.create(name) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    func create(_ name: String? = nil) throws {
        #expect(FileManager.default.createFile(atPath: self.path(name ?? self.name), contents: nil))
    }

    func rename(_ from: String? = nil, to name: String) throws {
        try FileManager.default.moveItem(atPath: self.path(from ?? self.name), toPath: self.path(name))
    }

    /// Compresses `name` as logrotate's compress does: `name.gz` replaces it.
    func gzip(_ name: String) throws {
        let result = try runCommand("/bin/gzip", [self.path(name)], timeout: .seconds(30))
        #expect(result.status == 0)
    }

    func copy(to name: String) throws {
        try FileManager.default.copyItem(atPath: self.logPath, toPath: self.path(name))
    }

    func truncate() throws {
        let handle = try #require(FileHandle(forWritingAtPath: self.logPath))
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
    }
}

extension SSHDLogEventSource {
    /// The ports of the events the next read returns.
    fileprivate func readPorts(limit: Int = 100) throws -> [Int?] {
        try self.readNewEvents(limit: limit).map(\.port)
    }
}
