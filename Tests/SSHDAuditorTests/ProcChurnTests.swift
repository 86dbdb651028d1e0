import Foundation
import SSHDAuditCore
import SSHDAuditor
import SystemPackage
import TestSupport
import Testing

/// Issue #6 point 3, "/proc entries vanishing between reads", on the live /proc: the fixture tests in
/// ``ListeningSocketReaderTests`` hold a still picture of a process that exited mid-walk; here processes
/// holding listening sockets really appear and die (exiting, or SIGKILLed) while the readers walk /proc,
/// so rows vanish between the table read and the fd walk, fd directories between listing and readlink,
/// and cmdline files between the walk and the title read.
@Suite("The socket and title readers on a live /proc full of dying processes")
struct ProcChurnTests {
    /// Forks up to 16 children at a time for `seconds` (whole seconds, +1), each retitled `name` and holding
    /// two loopback listeners for up to 300 ms; each 2 ms round SIGKILLs one in a hundred of the live ones. Prints how many
    /// were spawned and killed. Only perl-base modules, so it runs wherever Debian does.
    static let churnScript = #"""
        use strict; use IO::Socket::INET; use POSIX ();
        my ($name, $seconds) = @ARGV;
        my $end = time() + $seconds; my %kids; my ($spawned, $killed) = (0, 0);
        while (time() <= $end) {
            while (keys(%kids) < 16) {
                my $pid = fork(); die "fork: $!" unless defined $pid;
                if ($pid == 0) {
                    $0 = $name;
                    my @held = map { IO::Socket::INET->new(Listen => 4, LocalAddr => "127.0.0.1", LocalPort => 0) } 1 .. 2;
                    select(undef, undef, undef, rand(0.3));
                    POSIX::_exit(0);
                }
                $kids{$pid} = 1; $spawned++;
            }
            for my $pid (keys %kids) { if (rand() < 0.01) { kill("KILL", $pid); $killed++; } }
            while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) { delete $kids{$pid}; }
            select(undef, undef, undef, 0.002);
        }
        kill("KILL", keys %kids);
        1 while waitpid(-1, 0) > 0;
        print "$spawned $killed\n";
        """#

    @Test(
        "walking sockets, owners and titles while socket holders die never throws; vanished pids are ENOENT/ESRCH",
        arguments: [SocketSource.proc, .auto]
    )
    func churn(source: SocketSource) throws {
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: "/usr/bin/perl"),
                "no /usr/bin/perl (perl-base) to run the churning helper"
            )
        else { return }
        // A comm of its own (15 bytes at most), so a parallel test's processes are never counted.
        let name = "churn" + String(UInt32.random(in: .min ... .max), radix: 16)
        // Its own thread, not a task: runCommand blocks for the seconds the helper runs, and on a two-core
        // machine two blocked tasks starve the cooperative pool, this test's loop included.
        let helper = HelperThread {
            try runCommand("/usr/bin/perl", ["-e", Self.churnScript, name, "2"], timeout: .seconds(30))
        }

        let reader = ListeningSocketReader(source: source)
        let titles = ProcessTitleReader()
        var rounds = 0
        var sightings = 0
        var titlesRead = 0
        var vanished = 0
        var diagnostics: [ParseDiagnostic] = []
        let until = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < until {
            rounds += 1
            let parsed = try reader.listeningSockets()
            diagnostics += parsed.diagnostics
            for owner in parsed.value.flatMap(\.owners) where owner.command == name {
                sightings += 1
                do {
                    _ = try titles.gauge(pid: owner.pid)
                    titlesRead += 1
                } catch {
                    #expect([Errno.noSuchFileOrDirectory, .noSuchProcess].contains(error.errno), "\(error)")
                    vanished += 1
                }
            }
        }
        let result = try helper.join()
        let counts = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        print(
            """
            \(source): \(rounds) rounds over a helper that spawned/killed \(counts) socket holders; \
            \(sightings) owners seen, \(titlesRead) titles read, \(vanished) gone before their title; \
            diagnostics: \(diagnostics)
            """
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(counts.count == 2 && counts[0] >= 100, "the helper must have churned: \(result.stdout)")
        // The race was really run: the walk found the helper's short-lived children holding their sockets.
        #expect(sightings > 0)
        #expect(rounds >= 3)
        // Diagnostics (a row torn between two chunks of the table) are allowed; they must name the table.
        #expect(diagnostics.allSatisfy { $0.file?.hasPrefix("/proc/net/tcp") == true }, "\(diagnostics)")
    }
}

/// Runs a blocking closure on a thread of its own; ``join()`` waits for it and returns its result.
private final class HelperThread<Value: Sendable>: @unchecked Sendable {
    // Written once by the thread before `done` is signalled, read only after waiting on it.
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread {
            self.result = Result { try body() }
            self.done.signal()
        }
    }

    func join() throws -> Value {
        self.done.wait()
        guard let result = self.result else { throw CommandError("the helper thread ended without a result") }
        return try result.get()
    }
}
