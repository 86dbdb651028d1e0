import Foundation
import SSHDAuditCore
import Testing

/// A fixture log and what classifying it must give, line by line.
struct LogFixture: Sendable, CustomTestStringConvertible {
    var file: String
    var framing: SSHDLogParser.Framing
    /// The kind of every sshd line, in order (other programs' lines yield nothing).
    var kinds: [SSHDLogEventKind]
    var testDescription: String { self.file }

    func load() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/logs/\(self.file)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    func events() throws -> Parsed<[SSHDLogEvent]> {
        SSHDLogParser(framing: self.framing, year: 2026).parse(try self.load(), file: self.file)
    }
}

@Suite("sshd log fixtures")
struct LogsFixtureTests {
    static let fixtures: [LogFixture] = [
        LogFixture(
            file: "debian12-openssh92-auth.log",
            framing: .syslog,
            kinds: [
                .serverListening, .serverListening, .accepted, .other, .accepted, .failedPassword, .failedPassword,
                .failedPublickey, .failedOther, .invalidUser, .maxAuthTriesExceeded, .other, .connectionClosed,
                .connectionClosed, .connectionClosed, .connectionReset, .connectionReset, .receivedDisconnect,
                .disconnected, .receivedDisconnect, .disconnected, .timeoutBeforeAuthentication, .maxStartupsBegin,
                .dropConnection, .maxStartupsThrottling, .maxStartupsExited, .badModesFile, .badModesDirectory,
                .terminating, .missingPrivilegeSeparationDirectory, .noHostKeys, .bindFailed, .bindFailed,
            ]
        ),
        LogFixture(
            file: "rsyslog-openssh99-rfc3339.log",
            framing: .syslog,
            kinds: [
                .serverListening, .accepted, .failedPassword, .invalidUser, .connectionClosed,
                .timeoutBeforeAuthentication, .maxStartupsBegin, .dropConnection, .dropConnection, .dropConnection,
                .dropConnection, .maxStartupsExited, .receivedDisconnect, .disconnected, .other, .connectionClosed,
            ]
        ),
        LogFixture(
            file: "rfc5424-openssh100.log",
            framing: .syslog,
            kinds: [
                .serverListening, .accepted, .failedPublickey, .connectionClosed, .dropConnection, .dropConnection,
                .dropConnection, .dropConnection, .dropRateLimited, .dropRateLimited, .timeoutBeforeAuthentication,
                .connectionReset, .terminating,
            ]
        ),
        LogFixture(
            file: "journal-messages-openssh89.txt",
            framing: .message,
            kinds: [
                .serverListening, .accepted, .failedPassword, .invalidUser, .connectionClosed, .disconnected,
                .timeoutBeforeAuthentication, .dropConnection, .badModesDirectory, .other,
            ]
        ),
    ]

    @Test("classifies every sshd line of the fixture, in order, without diagnostics", arguments: fixtures)
    func kinds(fixture: LogFixture) throws {
        let parsed = try fixture.events()
        #expect(parsed.diagnostics.isEmpty)
        #expect(parsed.value.map(\.kind) == fixture.kinds)
    }

    @Test("the fixtures together cover every event kind")
    func coverage() {
        let seen = Set(Self.fixtures.flatMap(\.kinds))
        #expect(seen == Set(SSHDLogEventKind.allCases))
    }

    @Test("classic syslog lines take the caller's year, host, program and pid")
    func classicHeader() throws {
        let events = try Self.fixtures[0].events().value
        let accepted = try #require(events.first { $0.kind == .accepted })
        #expect(accepted.timestamp == LogTimestamp(year: 2026, month: 11, day: 21, hour: 10, minute: 0, second: 2))
        #expect(accepted.host == "web-02")
        #expect(accepted.program == .sshd)
        #expect(accepted.pid == 9100)
    }

    @Test("RFC 3339 lines keep fraction and offset, and name sshd-session")
    func rfc3339Header() throws {
        let events = try Self.fixtures[1].events().value
        #expect(
            events[1].timestamp
                == LogTimestamp(
                    year: 2026,
                    month: 11,
                    day: 21,
                    hour: 10,
                    minute: 0,
                    second: 1,
                    nanosecond: 123_456_000,
                    utcOffsetMinutes: 60
                )
        )
        #expect(events[1].program == .sshdSession)
        #expect(events[5].timestamp?.utcOffsetMinutes == -330)
        // `+0100` (journalctl -o short-iso) reads like `+01:00`.
        #expect(events[12].timestamp?.utcOffsetMinutes == 60)
    }

    @Test("RFC 5424 lines: structured data skipped, PROCID as pid, sshd-auth, nil stamp")
    func rfc5424Header() throws {
        let events = try Self.fixtures[2].events().value
        #expect(events[0].timestamp?.utcOffsetMinutes == 0)
        #expect(events[1].timestamp?.nanosecond == 250_000_000)
        #expect(events[3].user == "carol")
        #expect(events[3].pid == 7003)
        #expect(events[11].program == .sshdAuth)
        #expect(events[12].timestamp == nil)
        #expect(events[12].count == 1)
    }

    @Test("bare journal messages have no time, host or program")
    func bareMessages() throws {
        let events = try Self.fixtures[3].events().value
        #expect(events.allSatisfy { $0.timestamp == nil && $0.host == nil && $0.program == nil && $0.pid == nil })
        #expect(events[7].dropReason == "MaxStartups")
    }

    @Test("a line that is not syslog becomes a diagnostic with its line number")
    func unframedDiagnostic() {
        let text = "Nov 21 10:00:00 h sshd[1]: Server listening on :: port 22.\n-- No entries --\n\n"
        let parsed = SSHDLogParser(year: 2026).parse(text, file: "auth.log")
        #expect(parsed.value.count == 1)
        #expect(
            parsed.diagnostics.map(\.description) == [
                "auth.log:2: warning: not a syslog line (no recognised time stamp, host and program)"
            ]
        )
    }
}
