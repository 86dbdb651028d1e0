import Foundation
import Systemd
import TestSupport
import Testing

extension SandboxedTests {
    /// `JournalFollower` on the sandbox's journal: new entries arrive as they are written, in order, and
    /// following resumes after a cursor.
    @Suite("JournalFollower")
    struct JournalFollowerTests {
        @Test("yields new matching entries as they are written, then resumes after the last cursor")
        func followsAndResumes() async throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let tag = "follow-\(UInt32.random(in: 0...UInt32.max))"
            let matches = ["SYSLOG_IDENTIFIER=\(tag)"]

            let follower = try JournalFollower(source: .osRoot(sandbox.root), matches: matches, start: .tail)
            defer { follower.stop() }
            var entries = follower.entries.makeAsyncIterator()
            // A line before the follower is up would race with .tail; give the thread its first read.
            try await Task.sleep(for: .milliseconds(300))

            let started = ContinuousClock.now
            try JournalReaderTests.log(sandbox, tag: tag, ["alpha", "beta", "gamma"])
            var received: [JournalEntry] = []
            while received.count < 3, let entry = try await nextEntry(&entries) { received.append(entry) }
            print("3 entries followed in \(ContinuousClock.now - started) (including writing them)")
            #expect(received.map(\.message) == ["alpha", "beta", "gamma"])
            follower.stop()

            // As after a daemon restart: resume after the last entry seen, nothing repeated.
            try JournalReaderTests.log(sandbox, tag: tag, ["delta"])
            let resumed = try JournalFollower(
                source: .osRoot(sandbox.root),
                matches: matches,
                start: .after(cursor: try #require(received.last?.cursor))
            )
            defer { resumed.stop() }
            var more = resumed.entries.makeAsyncIterator()
            #expect(try await nextEntry(&more)?.message == "delta")
        }

        @Test("ends the stream with the error when the journal cannot be opened")
        func reportsOpenFailure() async throws {
            let follower = try JournalFollower(
                source: .directory("/nonexistent/\(UUID().uuidString)"),
                matches: [],
                start: .head
            )
            var entries = follower.entries.makeAsyncIterator()
            await #expect(throws: SystemdError.self) { _ = try await nextEntry(&entries) }
        }
    }
}

/// The next entry, `nil` when the stream finished; throws after `timeout` so a test cannot hang.
private func nextEntry(
    _ iterator: inout AsyncThrowingStream<JournalEntry, any Error>.Iterator,
    within timeout: Duration = .seconds(5)
) async throws -> JournalEntry? {
    let box = EntryIteratorBox(iterator)
    defer { iterator = box.iterator }
    return try await withThrowingTaskGroup(of: JournalEntry?.self) { group in
        group.addTask { try await box.next() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw SandboxError(description: "no journal entry within \(timeout)")
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}

/// Lets a child task advance an iterator the caller keeps using afterwards.
private final class EntryIteratorBox: @unchecked Sendable {
    // @unchecked: one task at a time touches it (the child task, then the caller once that task is done).
    var iterator: AsyncThrowingStream<JournalEntry, any Error>.Iterator
    init(_ iterator: AsyncThrowingStream<JournalEntry, any Error>.Iterator) { self.iterator = iterator }
    func next() async throws -> JournalEntry? { try await self.iterator.next() }
}
