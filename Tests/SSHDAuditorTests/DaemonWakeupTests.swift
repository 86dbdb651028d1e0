import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `sshd-auditor run` as a child process (see ``AuditorDaemon``), sshd's log in the workspace's auth.log and an
/// hour between polls: new lines in the log bring a cycle at once, a burst one or two (reads are a second
/// apart), and at rest no cycle runs. (That no thread wakes at rest either is measured by
/// bench/daemon-idle.sh: context switches per minute.)
@Suite("sshd-auditor run: wake-ups (a child process outside systemd)")
struct DaemonWakeupTests {
    @Test("a burst of failed logins appended to auth.log is alerted within two seconds, by one or two log cycles")
    func logBurstWakesIt() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        try await AuditorDaemon.withWorkspace(pollInterval: "1h") { workspace, daemon in
            let first = try await DaemonSignalTests.firstStatus(workspace, daemon)
            #expect(first.severity == "ok")
            // The read that follows the start of the watch, and a second for the read interval to pass.
            try await Task.sleep(for: .milliseconds(1200))
            let before = Self.cycles(in: daemon.log)

            // Twenty failures from one address, one write each, as a syslog daemon appends them, stamped now (the
            // window counts the last minute).
            let started = ContinuousClock.now
            let stamp = Self.syslogStamp()
            for port in 1...20 {
                try Self.append(
                    "\(stamp) host sshd[100]: Failed password for root from 192.0.2.77 port \(port) ssh2\n",
                    to: workspace.authLog
                )
            }
            let alerted = try await eventually(timeout: .seconds(10)) {
                workspace.statusDocument()?.severity == "warning"
            }
            let latency = ContinuousClock.now - started
            #expect(alerted, "no auth-failure-burst in status.json:\n\(daemon.log)")
            #expect(latency < .seconds(2), "log input must wake the daemon, not the hourly poll: \(latency)")

            // Time for a second read of the burst, had there been one more to do.
            try await Task.sleep(for: .milliseconds(1500))
            let after = Self.cycles(in: daemon.log)
            let logCycles = after.filter { $0 == "log" }.count - before.filter { $0 == "log" }.count
            #expect(
                (1...2).contains(logCycles),
                "twenty lines, at most a read a second: \(after.dropFirst(before.count))"
            )
            #expect(after.count - before.count == logCycles, "only log cycles: \(after.dropFirst(before.count))")
        }
    }

    @Test("at rest no cycle runs and status.json is not rewritten, in three seconds with an hour between polls")
    func quietAtRest() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        try await AuditorDaemon.withWorkspace(pollInterval: "1h") { workspace, daemon in
            _ = try await DaemonSignalTests.firstStatus(workspace, daemon)
            let status = try #require(workspace.statusDocument())
            try await Task.sleep(for: .seconds(3))
            #expect(Self.cycles(in: daemon.log) == ["start"], "\(daemon.log)")
            #expect(workspace.statusDocument()?.time == status.time, "status.json is written by cycles only")
            #expect(daemon.isRunning)
        }
    }

    /// The reasons of the cycles the daemon logged (`audit.reason=` of its debug "cycle" lines), in order.
    static func cycles(in log: String) -> [String] {
        log.split(separator: "\n").compactMap { line in
            guard line.hasSuffix(" cycle"), let range = line.range(of: "audit.reason=") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " })
        }
    }

    /// Now as a classic syslog stamp in local time, such as `Nov 21 10:00:00`.
    static func syslogStamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%b %e %H:%M:%S", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Appends `text` with one write, `O_APPEND`.
    static func append(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        try #require(descriptor >= 0, "open \(path): \(String(cString: strerror(errno)))")
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        try #require(write(descriptor, bytes, bytes.count) == bytes.count)
    }
}
