import Foundation
import Glibc
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `sshd-auditor run` (a child process, see ``AuditorDaemon``) under a burst from 2,000 source addresses, what
/// bench/daemon.sh's flood brings every cycle: the status document and the alert state, each several times the
/// writers' 64 KiB chunk, come out whole, and the daemon's threads share one malloc arena (``MallocTuning``).
/// The resident memory itself is measured by bench/daemon-idle.sh and bench/daemon.sh.
@Suite("sshd-auditor run: memory under a burst from 2,000 addresses (a child process outside systemd)")
struct DaemonMemoryTests {
    static let addresses = (0..<2000).map { "10.77.\($0 / 250).\($0 % 250 + 1)" }

    @Test("status.json and the alert state list all 2,000 alerts, and no thread has a malloc arena of its own")
    func burstFromManyAddresses() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        try await AuditorDaemon.withWorkspace(pollInterval: "1h") { workspace, daemon in
            _ = try await DaemonSignalTests.firstStatus(workspace, daemon)

            // Ten failures from each address, the burst threshold, stamped now, in one write.
            let stamp = DaemonWakeupTests.syslogStamp()
            var lines = ""
            for round in 0..<10 {
                for address in Self.addresses {
                    lines +=
                        "\(stamp) host sshd[100]: Failed password for root from \(address) port \(round + 1) ssh2\n"
                }
            }
            try DaemonWakeupTests.append(lines, to: workspace.authLog)
            let listed = try await eventually(timeout: .seconds(20)) {
                Self.burstSubjects(workspace.statusDocument()) == Set(Self.addresses)
            }
            #expect(listed, "status.json does not list the 2,000 addresses:\n\(daemon.log.suffix(2000))")

            let state = try String(
                contentsOfFile: workspace.stateDirectory + "/" + Auditor.alertStateFileName,
                encoding: .utf8
            )
            #expect(state.utf8.count > 4 << 16, "the state should span several chunks: \(state.utf8.count) bytes")
            let parsed = AlertState.parse(state, reraiseInterval: .seconds(60))
            #expect(Set(parsed.value.raised.map(\.subject)) == Set(Self.addresses))

            #expect(daemon.isRunning)
            let arenas = try Self.threadArenas(pid: daemon.pid)
            #expect(arenas.isEmpty, "thread arenas (64 MiB heaps) at \(arenas.map { String($0, radix: 16) })")
        }
    }

    /// The subjects of the auth-failure-burst findings in `document`.
    static func burstSubjects(_ document: StatusDocument?) -> Set<String> {
        let check = document?.checks.first { $0.id == CheckID.authFailureBurst.rawValue }
        return Set(check?.findings.filter { $0.severity == "warning" }.map(\.subject) ?? [])
    }

    /// The start addresses of glibc's thread arenas in process `pid`: each is a heap of its own, 64 MiB of
    /// anonymous address space aligned to 64 MiB (HEAP_MAX_SIZE on 64-bit), read-write as far as it is in use
    /// and inaccessible beyond. The main arena grows the program break instead and is not among them.
    static func threadArenas(pid: pid_t) throws -> [UInt64] {
        let heapSize: UInt64 = 64 << 20
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        var anonymous: [(start: UInt64, end: UInt64)] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // Anonymous: inode 0 and no path.
            guard fields.count == 5, fields[4] == "0" else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16)
            else { continue }
            anonymous.append((start, end))
        }
        let ends = Set(anonymous.map(\.end))
        return anonymous.filter { $0.start % heapSize == 0 && ends.contains($0.start + heapSize) }.map(\.start)
    }
}
