import Foundation
import Glibc
import Synchronization
import Systemd
import Testing

/// `ReadinessWatcher` on a pipe: the handler runs once per arming while the descriptor is ready, never while it
/// is quiet, at the timeout without a descriptor, and not at all after `stop()`.
@Suite("ReadinessWatcher")
struct ReadinessWatcherTests {
    @Test("once per arming: a descriptor that stays ready is not reported again until re-armed")
    func oncePerArming() async throws {
        let pipe = try Pipe()
        let calls = Calls()
        let watcher = try ReadinessWatcher(descriptor: pipe.readEnd, timeout: nil) { calls.record() }
        defer { watcher.stop() }

        try await Task.sleep(for: .milliseconds(100))
        #expect(calls.count == 0, "a quiet descriptor calls nothing")
        pipe.write()
        #expect(try await calls.wait(for: 1))
        // Still readable (nobody read the byte), but not re-armed: no second call, and no spinning.
        try await Task.sleep(for: .milliseconds(200))
        #expect(calls.count == 1)

        // Re-armed while still readable: reported at once.
        watcher.rearm(timeout: nil)
        #expect(try await calls.wait(for: 2))
        // Consumed, then re-armed: quiet until the next write.
        pipe.drain()
        watcher.rearm(timeout: nil)
        try await Task.sleep(for: .milliseconds(200))
        #expect(calls.count == 2)
        pipe.write()
        #expect(try await calls.wait(for: 3))
    }

    @Test("without a descriptor it is a timer: once per arming, after the timeout")
    func timer() async throws {
        let calls = Calls()
        let started = ContinuousClock.now
        let watcher = try ReadinessWatcher(descriptor: nil, timeout: .milliseconds(100)) { calls.record() }
        defer { watcher.stop() }
        #expect(try await calls.wait(for: 1))
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        try await Task.sleep(for: .milliseconds(300))
        #expect(calls.count == 1, "not re-armed: no second call")
        watcher.rearm(timeout: .milliseconds(50))
        #expect(try await calls.wait(for: 2))
    }

    @Test("a descriptor with a timeout: the timeout calls it when the descriptor stays quiet")
    func descriptorWithTimeout() async throws {
        let pipe = try Pipe()
        let calls = Calls()
        let watcher = try ReadinessWatcher(descriptor: pipe.readEnd, timeout: .milliseconds(100)) { calls.record() }
        defer { watcher.stop() }
        #expect(try await calls.wait(for: 1))
    }

    @Test("stop returns at once and no call follows")
    func stops() async throws {
        let pipe = try Pipe()
        let calls = Calls()
        let watcher = try ReadinessWatcher(descriptor: pipe.readEnd, timeout: nil) { calls.record() }
        try await Task.sleep(for: .milliseconds(50))
        let started = ContinuousClock.now
        watcher.stop()
        #expect(ContinuousClock.now - started < .milliseconds(100), "the thread waits in poll(2) with the stop pipe")
        pipe.write()
        try await Task.sleep(for: .milliseconds(200))
        #expect(calls.count == 0)
    }

    /// Counts handler calls from the watcher's thread.
    final class Calls: Sendable {
        private let value = Mutex(0)

        func record() { self.value.withLock { $0 += 1 } }

        var count: Int { self.value.withLock { $0 } }

        /// Waits up to two seconds for `count` calls.
        func wait(for count: Int) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(2)
            while self.count < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            return self.count >= count
        }
    }

    /// A non-blocking pipe, closed on deinit.
    final class Pipe {
        let readEnd: Int32
        let writeEnd: Int32

        init() throws {
            var ends: [Int32] = [-1, -1]
            try #require(pipe(&ends) == 0)
            _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
            self.readEnd = ends[0]
            self.writeEnd = ends[1]
        }

        deinit {
            close(self.readEnd)
            close(self.writeEnd)
        }

        func write() {
            var byte: UInt8 = 1
            _ = Glibc.write(self.writeEnd, &byte, 1)
        }

        func drain() {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(self.readEnd, &buffer, buffer.count) > 0 {}
        }
    }
}
