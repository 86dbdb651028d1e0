import Foundation
import Systemd
import TestSupport
import Testing

extension SandboxedTests {
    /// `UnitWatcher` against the sandbox's systemd: changes arrive as they happen, and a dbus restart is survived.
    @Suite("UnitWatcher")
    struct UnitWatcherTests {
        @Test("sees `systemctl stop ssh` through PropertiesChanged within 1 s")
        func seesStopQuickly() async throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let watcher = try UnitWatcher(unitNames: ["ssh.service", "ssh.socket"], address: sandbox.busAddress)
            defer { watcher.stop() }
            var events = watcher.events.makeAsyncIterator()

            let first = try await nextEvent(&events)
            guard case .connected(let statuses) = first else {
                Issue.record("expected .connected first, got \(String(describing: first))")
                return
            }
            #expect(statuses.map(\.id) == ["ssh.service", "ssh.socket"])
            #expect(statuses.first?.activeState == "active")

            let started = ContinuousClock.now
            let stop = Task.detached { try sandbox.runChecked(["systemctl", "stop", "ssh.service"]) }
            var seen: [String] = []
            var firstChange: Duration?
            var stopped: (status: UnitStatus, receivedMicroseconds: UInt64, after: Duration)?
            while stopped == nil, let event = try await nextEvent(&events, within: .seconds(30)) {
                guard case .changed(let status) = event, status.id == "ssh.service" else { continue }
                let received = Self.realtimeMicroseconds()
                seen.append("\(status.activeState)/\(status.subState)")
                if firstChange == nil { firstChange = ContinuousClock.now - started }
                if status.activeState == "inactive" { stopped = (status, received, ContinuousClock.now - started) }
            }
            _ = try await stop.value
            let result = try #require(stopped)
            // Subscription latency: from systemd entering the state (its StateChangeTimestamp, same kernel clock)
            // to the event in hand. How long sshd itself takes to exit is not the subscription's doing.
            let changedAt = try #require(result.status.stateChangeTimestampMicroseconds)
            let latency = Duration.microseconds(Int64(result.receivedMicroseconds) - Int64(changedAt))
            print(
                """
                ssh.service states seen: \(seen); first change \(firstChange.map { "\($0)" } ?? "-") and inactive \
                \(result.after) after `systemctl stop`; inactive reached us \(latency) after systemd entered it
                """
            )
            #expect(latency >= .zero)
            #expect(latency < .seconds(1))
            #expect(seen.last == "inactive/dead")
        }

        /// The host's wall clock in microseconds since the epoch, the clock systemd's timestamps use.
        static func realtimeMicroseconds() -> UInt64 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        }

        @Test("reports the disconnect when dbus restarts, reconnects, and still sees changes")
        func reconnectsAfterDbusRestart() async throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let watcher = try UnitWatcher(
                unitNames: ["ssh.service"],
                address: sandbox.busAddress,
                initialBackoff: .milliseconds(50),
                maximumBackoff: .milliseconds(500)
            )
            defer { watcher.stop() }
            var events = watcher.events.makeAsyncIterator()
            guard case .connected = try await nextEvent(&events) else {
                Issue.record("expected .connected first")
                return
            }

            let restarted = ContinuousClock.now
            try sandbox.runChecked(["systemctl", "restart", "dbus.service"])
            var disconnects: [SystemdError] = []
            var reconnected: [UnitStatus]?
            while reconnected == nil, let event = try await nextEvent(&events, within: .seconds(20)) {
                switch event {
                case .disconnected(let error, _): disconnects.append(error)
                case .connected(let statuses): reconnected = statuses
                case .changed: continue
                }
            }
            print(
                "dbus restart: \(disconnects.count) disconnect report(s) (\(disconnects.first.map { "\($0)" } ?? "-")), reconnected after \(ContinuousClock.now - restarted)"
            )
            #expect(!disconnects.isEmpty)
            #expect(reconnected?.first?.activeState == "active")

            // The new connection is subscribed again: a change after the restart still arrives.
            try sandbox.runChecked(["systemctl", "stop", "ssh.service"])
            var sawStop = false
            while !sawStop, let event = try await nextEvent(&events) {
                if case .changed(let status) = event, status.activeState == "inactive" { sawStop = true }
            }
            #expect(sawStop)
        }

        @Test("stop() finishes the event stream")
        func stopFinishesStream() async throws {
            let watcher = try UnitWatcher(
                unitNames: ["ssh.service"],
                address: "unix:path=/nonexistent/\(UUID().uuidString)"
            )
            var events = watcher.events.makeAsyncIterator()
            guard case .disconnected(let error, let retry) = try await nextEvent(&events) else {
                Issue.record("expected .disconnected for a bus that does not exist")
                return
            }
            #expect(error.operation == "sd_bus_start")
            #expect(retry == .milliseconds(100))
            watcher.stop()
            var remaining = 0
            while try await nextEvent(&events) != nil { remaining += 1 }
            #expect(remaining <= 1)  // at most one report already queued before the stop
        }
    }
}

/// The next event, or `nil` when the stream finished; fails the test (throws) after `within`.
func nextEvent(
    _ iterator: inout AsyncStream<UnitEvent>.Iterator,
    within timeout: Duration = .seconds(5)
) async throws -> UnitEvent? {
    var local = iterator
    defer { iterator = local }
    return try await withThrowingTaskGroup(of: UnitEvent?.self) { group in
        let box = IteratorBox(local)
        group.addTask { await box.next() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw SandboxError(description: "no unit event within \(timeout)")
        }
        defer { group.cancelAll() }
        let result = try await group.next() ?? nil
        local = box.iterator
        return result
    }
}

/// Lets a child task advance an iterator that the caller keeps using afterwards.
private final class IteratorBox: @unchecked Sendable {
    // @unchecked: only one task touches it at a time (the child task, then the caller after it finished).
    var iterator: AsyncStream<UnitEvent>.Iterator
    init(_ iterator: AsyncStream<UnitEvent>.Iterator) { self.iterator = iterator }
    func next() async -> UnitEvent? { await self.iterator.next() }
}
