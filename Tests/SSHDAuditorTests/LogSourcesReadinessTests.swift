import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import Testing

/// `AuthLogFollower.readiness()` on real files rotated the ways logrotate rotates them: the descriptor the
/// daemon waits on becomes ready for every change that can bring lines (appends, to the file and to its renamed
/// predecessor, a new file under the name, a truncation), stays quiet otherwise, and a read quiets it again.
///
/// The followers keep no state file: one in the log's own directory would wake the watch with its own writes
/// (names created or renamed in a watched directory cannot be filtered by the kernel; the daemon's state
/// directory is elsewhere, and such a wake-up costs one read that finds nothing).
@Suite("AuthLogFollower readiness (inotify)")
struct LogSourcesReadinessTests {
    @Test("quiet until an append; the read that takes the lines quiets it again")
    func appends() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...1)
        let follower = log.follower(stateFile: .none)
        let readiness = follower.readiness()
        #expect(readiness.descriptor != nil)
        #expect(readiness.timeout == nil, "a watched directory needs no timer")
        #expect(try follower.readPorts() == [])
        #expect(!Self.isReady(readiness))

        try log.append(ports: 2...3)
        try log.append(ports: 4...4)
        #expect(Self.isReady(readiness))
        #expect(try follower.readPorts() == [2, 3, 4])
        #expect(!Self.isReady(follower.readiness()))
    }

    @Test("writes to other files in the directory do not wake it")
    func otherFiles() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...1)
        try log.append(ports: 1...1, to: "syslog")
        let follower = log.follower(stateFile: .none)
        let readiness = follower.readiness()
        _ = try follower.readPorts()
        try log.append(ports: 2...9, to: "syslog")
        #expect(!Self.isReady(readiness))
    }

    @Test("rename and create: ready for the rename, for lines still appended to the renamed file, and for the new one")
    func renameAndCreate() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...1)
        let follower = log.follower(stateFile: .none)
        _ = try follower.readPorts()
        let readiness = follower.readiness()

        try log.rename(to: "auth.log.1")
        #expect(Self.isReady(readiness))
        #expect(try follower.readPorts() == [])
        #expect(!Self.isReady(follower.readiness()))
        // The writer has not reopened the log yet: its lines still go to the renamed file.
        try log.append(ports: 2...2, to: "auth.log.1")
        #expect(Self.isReady(readiness))
        #expect(try follower.readPorts() == [2])

        try log.create()
        #expect(Self.isReady(follower.readiness()))
        #expect(try follower.readPorts() == [])
        #expect(!Self.isReady(follower.readiness()))
        // Reopened: the new file grows, and the watch moved to it.
        try log.append(ports: 3...4)
        #expect(Self.isReady(follower.readiness()))
        #expect(try follower.readPorts() == [3, 4])
        #expect(!Self.isReady(follower.readiness()))
        try log.append(ports: 5...5)
        #expect(Self.isReady(follower.readiness()))
        #expect(try follower.readPorts() == [5])
    }

    @Test("delete, then create: both wake it, and the new file's lines are announced")
    func deleteThenCreate() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...1)
        let follower = log.follower(stateFile: .none)
        _ = try follower.readPorts()
        let readiness = follower.readiness()

        try FileManager.default.removeItem(atPath: log.logPath)
        #expect(Self.isReady(readiness))
        #expect(try follower.readPorts() == [])
        #expect(!Self.isReady(follower.readiness()))
        try log.append(ports: 2...3)
        #expect(Self.isReady(follower.readiness()))
        #expect(try follower.readPorts() == [2, 3])
        try log.append(ports: 4...4)
        #expect(Self.isReady(follower.readiness()))
        #expect(try follower.readPorts() == [4])
    }

    @Test("copytruncate: the truncation wakes it, and the lines written after it are announced")
    func copyTruncate() throws {
        let log = try LogDirectory()
        try log.append(ports: 1...2)
        let follower = log.follower(start: .start, stateFile: .none)
        #expect(try follower.readPorts() == [1, 2])
        let readiness = follower.readiness()

        try log.append(ports: 3...3)
        try log.copy(to: "auth.log.1")
        try log.truncate()
        #expect(Self.isReady(readiness))
        #expect(try follower.readPorts() == [3])
        #expect(!Self.isReady(follower.readiness()))
        try log.append(ports: 4...4)
        #expect(Self.isReady(follower.readiness()))
        #expect(try follower.readPorts() == [4])
    }

    @Test("a directory that does not exist yet: read on a timer until it does, then watched")
    func missingDirectory() throws {
        let log = try LogDirectory()
        let path = log.path("later/auth.log")
        let follower = AuthLogFollower(path: path, stateFilePath: nil, startPosition: .start, classicYear: .fixed(2026))
        #expect(try follower.readNewEvents(limit: 10).isEmpty)
        let unwatched = follower.readiness()
        #expect(unwatched.timeout == AuthLogFollower.unwatchedReadInterval)

        try FileManager.default.createDirectory(atPath: log.path("later"), withIntermediateDirectories: false)
        let watched = follower.readiness()
        #expect(watched.timeout == nil)
        #expect(!Self.isReady(watched))
        #expect(FileManager.default.createFile(atPath: path, contents: Data(LogDirectory.line(port: 7).utf8)))
        #expect(Self.isReady(watched))
        #expect(try follower.readNewEvents(limit: 10).map(\.port) == [7])
    }

    /// Whether `readiness`'s descriptor is ready within `timeout` (`poll(2)`).
    static func isReady(_ readiness: LogReadiness, within timeout: Duration = .milliseconds(200)) -> Bool {
        guard let descriptor = readiness.descriptor else { return false }
        var entry = pollfd(fd: descriptor, events: readiness.events, revents: 0)
        let milliseconds = Int32(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        )
        return poll(&entry, 1, milliseconds) == 1
    }
}

extension SSHDLogEventSource {
    /// The ports of the events the next read returns.
    fileprivate func readPorts(limit: Int = 100) throws -> [Int?] {
        try self.readNewEvents(limit: limit).map(\.port)
    }
}
