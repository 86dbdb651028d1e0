import Foundation
import SSHDAuditCore
import SSHDAuditor
import SystemPackage
import TestSupport
import Testing

/// Issue #6 point 4 end to end: an sshd_config that includes itself or thousands of files, files the
/// auditor may not read, and logs far larger than memory. Each gives a diagnostic, nothing crashes or hangs,
/// and memory stays under a stated bound.
@Suite("hostile input, end to end")
struct HostileInputTests {
    // MARK: - sshd_config Include loops and huge globs

    /// How long any of the Include cases may take; sshd itself answers each in milliseconds.
    static let includeTimeLimit = Duration.seconds(5)

    @Test("an sshd_config that includes itself: sshd's depth-limit error at file:line, quickly, through the loader")
    func selfInclude() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("etc/ssh/sshd_config", "Port 22\nInclude /etc/ssh/sshd_config\n")
        let (result, elapsed) = Self.timed { SSHDConfigLoader(root: tree.path).load() }
        #expect(elapsed < Self.includeTimeLimit)
        #expect(result.hasErrors)
        let loop = try #require(result.diagnostics.first { $0.message.hasPrefix("Too many recursive") })
        #expect(loop.file == "/etc/ssh/sshd_config")
        #expect(loop.line == 2)
        #expect(loop.severity == .error)
    }

    @Test("a chain of mutual includes a -> b -> c -> a: the loop is named at the line that closes it")
    func mutualIncludes() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("etc/ssh/sshd_config", "Port 22\nInclude a.conf\n")
        try tree.write("etc/ssh/a.conf", "# a\nInclude /etc/ssh/b.conf\n")
        try tree.write("etc/ssh/b.conf", "# b\n\nInclude c.conf\n")
        try tree.write("etc/ssh/c.conf", "Include /etc/ssh/a.conf\n")
        let (result, elapsed) = Self.timed { SSHDConfigLoader(root: tree.path).load() }
        #expect(elapsed < Self.includeTimeLimit)
        let loop = try #require(result.diagnostics.first { $0.message.hasPrefix("Too many recursive") })
        // Depth 16 is reached inside the cycle; the failing Include is one of the three cycle lines.
        let cycleLines: Set<String> = ["/etc/ssh/a.conf:2", "/etc/ssh/b.conf:3", "/etc/ssh/c.conf:1"]
        #expect(cycleLines.contains("\(loop.file ?? ""):\(loop.line)"), "\(loop)")
    }

    @Test("Include /dir/*.conf over 5,000 files: all read in order, within the time limit")
    func hugeGlob() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nMaxSessions 99\n")
        for index in 0..<5_000 {
            // First value wins in sshd: 0000.conf sets MaxSessions and MaxAuthTries; the last file adds a port.
            let text = index == 4_999 ? "Port 2222\n" : "MaxSessions \(index + 1)\nMaxAuthTries \(index + 2)\n"
            try tree.write(String(format: "etc/ssh/sshd_config.d/%04d.conf", index), text)
        }
        let (result, elapsed) = Self.timed { SSHDConfigLoader(root: tree.path).load() }
        print("5,000 included files evaluated in \(elapsed)")
        #expect(elapsed < Self.includeTimeLimit)
        #expect(!result.hasErrors, "\(result.diagnostics.prefix(3))")
        #expect(result.value.value(for: "maxsessions") == "1")
        #expect(result.value.maxAuthTries == 2)
        #expect(result.value.ports == [2222])
    }

    @Test("a 5,000-file glob where one file includes the glob again: the depth limit stops it at once")
    func recursiveHugeGlob() throws {
        let tree = try TemporaryTree()
        defer { tree.remove() }
        try tree.write("etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n")
        for index in 0..<5_000 {
            let text = index == 0 ? "Include /etc/ssh/sshd_config.d/*.conf\n" : "MaxSessions \(index)\n"
            try tree.write(String(format: "etc/ssh/sshd_config.d/%04d.conf", index), text)
        }
        let (result, elapsed) = Self.timed { SSHDConfigLoader(root: tree.path).load() }
        #expect(elapsed < Self.includeTimeLimit)
        let loop = try #require(result.diagnostics.first { $0.message.hasPrefix("Too many recursive") })
        #expect(loop.file == "/etc/ssh/sshd_config.d/0000.conf")
        #expect(loop.line == 1)
    }

    @Test("sshd-auditor config --file on a self-including file: exit 1, file:line on stderr, within the limit")
    func selfIncludeCommand() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let config = tree.path + "/sshd_config"
        try tree.write("sshd_config", "Port 22\nInclude \(config)\n")
        let started = ContinuousClock.now
        let result = try runCommand(TestEnvironment.auditorBinary, ["config", "--file", config], timeout: .seconds(30))
        #expect(ContinuousClock.now - started < Self.includeTimeLimit)
        #expect(result.status == 1)
        #expect(
            result.stderr.contains("\(config):2: error: Too many recursive configuration includes"),
            "\(result.stderr)"
        )
        #expect(result.stdout.isEmpty)
    }

    @Test("sshd-auditor config --file with 5,000 included files: exit 0, their settings applied")
    func hugeGlobCommand() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let config = tree.path + "/sshd_config"
        try tree.write("sshd_config", "Include \(tree.path)/d/*.conf\n")
        for index in 0..<5_000 {
            try tree.write(String(format: "d/%04d.conf", index), "MaxSessions \(index + 7)\n")
        }
        let started = ContinuousClock.now
        let result = try runCommand(TestEnvironment.auditorBinary, ["config", "--file", config], timeout: .seconds(30))
        #expect(ContinuousClock.now - started < Self.includeTimeLimit)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").contains("maxsessions 7"))
    }

    // MARK: - Unreadable files (EACCES)

    @Test("as nobody, config --file and events on a 0600 root file: exit 1, the file and EACCES named, no crash")
    func unreadableFilesCommand() throws {
        guard TestEnvironment.requireAuditorBinary(),
            TestEnvironment.require(TestEnvironment.isRoot, "needs root to own the file and run as nobody"),
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: Self.runuser),
                "no \(Self.runuser) (util-linux) to drop privileges"
            )
        else { return }
        let tree = try TemporaryTree()
        defer { tree.remove() }
        // nobody must reach the binary and the directory, but not the file.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tree.path)
        let binary = tree.path + "/sshd-auditor"
        try FileManager.default.copyItem(atPath: TestEnvironment.auditorBinary, toPath: binary)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary)
        let secret = tree.path + "/secret"
        try tree.write(
            "secret",
            "Port 22\nNov 21 10:00:00 h sshd[1]: Accepted publickey for a from 192.0.2.1 port 1 ssh2\n"
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)

        for arguments in [["config", "--file", secret], ["events", secret]] {
            let result = try runCommand(
                Self.runuser,
                ["-u", "nobody", "--", binary] + arguments,
                timeout: .seconds(30)
            )
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(secret), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Permission denied"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(arguments): \(result.stderr)")
        }
        // The same commands as root read it: the failure above was the permission, nothing else.
        let events = try runCommand(binary, ["events", secret, "--summary-only"], timeout: .seconds(30))
        #expect(events.status == 0)
        #expect(events.stderr.hasPrefix("lines 2, sshd 1, other programs 0, not syslog 1"), "\(events.stderr)")
    }

    @Test("AuthLogFollower on an unreadable auth.log throws an error naming it; after chmod the next read works")
    func unreadableFollower() throws {
        guard TestEnvironment.require(TestEnvironment.isRoot, "needs root to switch this thread's fsuid") else {
            return
        }
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let log = tree.path + "/auth.log"
        try tree.write("auth.log", Self.failedLine(port: 1))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: log)
        let follower = AuthLogFollower(
            path: log,
            stateFilePath: nil,
            startPosition: .start,
            classicYear: .fixed(2026)
        )
        // setfsuid(2) is per thread: this thread checks file access as nobody, the rest of the run is untouched.
        // A failed read changes nothing, so a second one fails the same way: the caller may simply retry.
        let retried = try Self.asNobody {
            #expect(throws: LogSourceError.self) { try follower.readNewEvents(limit: 100) }
            return try? follower.readNewEvents(limit: 100)
        }
        #expect(retried == nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: log)
        let events = try Self.asNobody { try follower.readNewEvents(limit: 100) }
        #expect(events.map(\.port) == [1])
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: log)
            _ = try Self.asNobody { try follower.readNewEvents(limit: 100) }
            Issue.record("read an unreadable file")
        } catch let error as LogSourceError {
            #expect(error.path == log)
            #expect(error.errno == .permissionDenied)
            #expect(error.description.contains(log))
        }
    }

    // MARK: - Memory bound

    /// The bound this suite states for `sshd-auditor events` and for the AuthLogFollower, whatever the log's
    /// size: a 1 MiB read buffer, at most one line in flight (lines are capped), the summary counters, and the
    /// runtime itself.
    static let memoryBound = 64 << 20

    @Test("events --summary-only and the AuthLogFollower over a 64 MiB hostile log: peak memory < 64 MiB")
    func memoryBound64MiB() throws {
        try self.measureMemory(logSize: 64 << 20)
    }

    @Test(
        "the same over a 1 GiB log (runs only with SSHD_AUDITOR_SLOW_TESTS=1; make test skips it otherwise)",
        .enabled(if: ProcessInfo.processInfo.environment["SSHD_AUDITOR_SLOW_TESTS"] == "1")
    )
    func memoryBound1GiB() throws {
        try self.measureMemory(logSize: 1 << 30)
    }

    @Test("a 64 MiB log that is one line with no newline: events stays under the bound and counts one line")
    func oneHugeLine() throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let path = tree.path + "/auth.log"
        let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 20)
        let handle = try Self.create(path)
        try handle.write(contentsOf: Array("Nov 21 10:00:00 h sshd[1]: Invalid user ".utf8))
        for _ in 0..<64 { try handle.write(contentsOf: chunk) }
        try handle.close()
        let (result, peak) = try Self.peakMemory(["events", "--summary-only", path])
        print("events over a 64 MiB single line: peak RSS \(peak >> 10) KiB")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.hasPrefix(
                "sshd-auditor events: \(path): 1 line(s) longer than 4194304 bytes cut to that length\n"
                    + "lines 1, sshd 1, other programs 0, not syslog 0\n"
            ),
            "\(result.stderr)"
        )
        #expect(peak < Self.memoryBound)
    }

    private func measureMemory(logSize: Int) throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let tree = try TemporaryTree()
        defer { tree.remove() }
        let free = try Self.freeBytes(tree.path)
        guard TestEnvironment.require(free > logSize * 2, "needs \(logSize * 2) bytes free in \(tree.path)") else {
            return
        }
        let path = tree.path + "/auth.log"
        let log = try HostileLog.write(to: path, size: logSize)

        let (result, peak) = try Self.peakMemory(["events", "--summary-only", path])
        print("events --summary-only over \(log.bytes >> 20) MiB: peak RSS \(peak >> 10) KiB")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.hasPrefix(
                "lines \(log.lines), sshd \(log.sshdLines), other programs \(log.otherLines), not syslog 0\n"
            ),
            "\(result.stderr)"
        )
        #expect(peak < Self.memoryBound)

        // The follower in this process: batches of at most 1,000 events, each batch dropped before the next.
        let follower = AuthLogFollower(path: path, stateFilePath: nil, startPosition: .start, classicYear: .fixed(2026))
        let before = Self.residentBytes()
        var largest = before
        var events = 0
        var batches = 0
        while true {
            let batch = try follower.readNewEvents(limit: 1_000)
            #expect(batch.count <= 1_000)
            events += batch.count
            batches += 1
            if batches % 64 == 0 { largest = max(largest, Self.residentBytes()) }
            if batch.isEmpty && !follower.hasPendingInput { break }
        }
        largest = max(largest, Self.residentBytes())
        let growth = largest - before
        print(
            "AuthLogFollower over \(log.bytes >> 20) MiB: \(events) events in \(batches) reads, RSS grew \(growth >> 10) KiB"
        )
        // The one line longer than the follower's 256 KiB buffer is skipped with a notice; every other sshd
        // line is an event.
        #expect(events == log.sshdLines - 1)
        #expect(follower.takeNotices().map(\.kind).contains(.overlongLineSkipped))
        #expect(growth < Self.memoryBound)
    }

    // MARK: - Helpers

    static let runuser = "/usr/sbin/runuser"

    static func failedLine(port: Int) -> String {
        "Nov 21 10:00:00 host sshd[1]: Failed password for root from 192.0.2.1 port \(port) ssh2\n"
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        let started = ContinuousClock.now
        let value = try body()
        return (value, ContinuousClock.now - started)
    }

    /// Runs `sshd-auditor arguments` under GNU time and returns its result and peak resident set in bytes.
    static func peakMemory(_ arguments: [String]) throws -> (CommandResult, Int) {
        let time = "/usr/bin/time"
        try #require(FileManager.default.isExecutableFile(atPath: time), "GNU time is needed to measure memory")
        let result = try runCommand(time, ["-v", TestEnvironment.auditorBinary] + arguments, timeout: .seconds(600))
        let line = try #require(
            result.stderr.split(separator: "\n").first { $0.contains("Maximum resident set size (kbytes):") }
        )
        let kilobytes = try #require(Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""))
        // Strip time's report so callers see the command's own standard error.
        let own = result.stderr.components(separatedBy: "\tCommand being timed:").first ?? result.stderr
        return (CommandResult(status: result.status, stdout: result.stdout, stderr: own), kilobytes << 10)
    }

    /// This process's resident set now, from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func freeBytes(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes[.systemFreeSize] as? NSNumber)?.intValue ?? 0
    }

    static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CommandError("cannot create \(path)")
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// Runs `body` with this thread's file-system uid set to nobody (65534), then back to root.
    static func asNobody<T>(_ body: () throws -> T) throws -> T {
        let setfsuid = try #require(Self.setfsuid, "glibc's setfsuid(2) wrapper not found")
        _ = setfsuid(65534)
        defer { _ = setfsuid(0) }
        return try body()
    }

    /// glibc's `setfsuid`, looked up at run time: its header is not part of the Glibc module.
    nonisolated(unsafe) static let setfsuid: (@convention(c) (UInt32) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "setfsuid") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UInt32) -> Int32).self)
    }()
}

/// A generated auth.log of a given size: a block of sshd lines (failures, hostile user names with spoofed
/// addresses, NUL and invalid UTF-8 bytes, injected newlines' escapes) and other programs' lines, repeated,
/// with one 1 MiB sshd line in the middle.
struct HostileLog {
    var bytes = 0
    var lines = 0
    var sshdLines = 0
    var otherLines = 0

    static func write(to path: String, size: Int) throws -> HostileLog {
        var block: [UInt8] = []
        var blockSSHD = 0
        var blockOther = 0
        var port = 0
        while block.count < 1 << 20 {
            port += 1
            let sshd: [[UInt8]] = [
                Array(
                    "Nov 21 10:00:00 host sshd[\(port)]: Failed password for root from 192.0.2.\(port % 250) port \(port) ssh2\n"
                        .utf8
                ),
                Array(
                    "Nov 21 10:00:01 host sshd[\(port)]: Invalid user x from 203.0.113.9 port 22 from 198.51.100.7 port \(port)\n"
                        .utf8
                ),
                Array("Nov 21 10:00:02 host sshd[\(port)]: Invalid user a".utf8) + [0x00, 0xFF, 0xC3, 0x28]
                    + Array("\\nMESSAGE_ID=0 from 198.51.100.8 port \(port)\n".utf8),
                Array(
                    "2026-11-21T10:00:03.000000+00:00 host sshd[\(port)]: Connection closed by authenticating user root 192.0.2.1 port \(port) [preauth]\n"
                        .utf8
                ),
            ]
            let other: [[UInt8]] = [
                Array(
                    "Nov 21 10:00:04 host CRON[\(port)]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"
                        .utf8
                )
            ]
            for line in sshd { block += line }
            for line in other { block += line }
            blockSSHD += sshd.count
            blockOther += other.count
        }
        var log = HostileLog()
        let handle = try HostileInputTests.create(path)
        defer { try? handle.close() }
        let repeats = max(size / block.count, 2)
        for index in 0..<repeats {
            try handle.write(contentsOf: block)
            log.bytes += block.count
            log.sshdLines += blockSSHD
            log.otherLines += blockOther
            if index == repeats / 2 {
                // One 1 MiB sshd line: longer than the follower's buffer, shorter than the events command's cap.
                let huge =
                    Array("Nov 21 10:00:05 host sshd[1]: Invalid user ".utf8)
                    + [UInt8](repeating: UInt8(ascii: "u"), count: 1 << 20) + Array(" from 192.0.2.77 port 1\n".utf8)
                try handle.write(contentsOf: huge)
                log.bytes += huge.count
                log.sshdLines += 1
            }
        }
        log.lines = log.sshdLines + log.otherLines
        return log
    }
}

/// A unique temporary directory; the test removes it with ``remove()`` in a `defer` (not in a `deinit`, which
/// may run as soon as the value's last use, before a child process is done with the path).
struct TemporaryTree {
    let path: String

    init() throws {
        self.path = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// Writes `text` at `relative` under the tree, creating directories.
    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: self.path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
