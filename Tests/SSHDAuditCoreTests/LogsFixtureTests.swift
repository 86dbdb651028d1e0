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
                .failedPassword, .failedPublickey, .failedOther, .invalidUser, .maxAuthTriesExceeded, .other,
                .connectionClosed,
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
        // rsyslog's `message repeated 5 times: [ ... ]` is the repeated event, with its count.
        #expect(events[6].kind == .failedPassword)
        #expect(events[6].repeated == 5)
        #expect(events[6].address == "203.0.113.7")
        #expect(events[5].repeated == nil)
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

    @Test("the in-place parse overwrites the event for sshd lines only, and agrees with the boxed one")
    func inPlace() throws {
        let parser = SSHDLogParser(year: 2026)
        var event = SSHDLogEvent(kind: .other)
        func parse(_ line: String) -> (SSHDLogParser.LineKind, SSHDLogParser.LineResult) {
            var copy = line
            return copy.withUTF8 { (parser.parse(line: $0, into: &event), parser.parse(line: $0)) }
        }
        let (sshd, boxed) = parse("Nov 21 10:00:00 h sshd[1]: Invalid user a from 203.0.113.1 port 22")
        #expect(sshd == .sshd)
        #expect(boxed == .event(event))
        #expect(event.user == "a")
        #expect(parse("Nov 21 10:00:00 h CRON[1]: x").0 == .otherProgram)
        #expect(parse("garbage").0 == .unframed)
        #expect(event.user == "a")
        _ = parse("Nov 21 10:00:00 h sshd[1]: Received signal 15; terminating.")
        // Nothing of the previous event survives into the next.
        #expect(
            event
                == SSHDLogEvent(
                    kind: .terminating,
                    timestamp: LogTimestamp(year: 2026, month: 11, day: 21, hour: 10, minute: 0, second: 0),
                    host: "h",
                    program: .sshd,
                    pid: 1,
                    count: 15
                )
        )
    }

    @Test("injection.log: user names built to look like addresses, ports or suffixes change nothing")
    func injection() throws {
        let fixture = LogFixture(file: "injection.log", framing: .syslog, kinds: [])
        let parsed = try fixture.events()
        #expect(parsed.diagnostics.isEmpty)
        let events = parsed.value
        #expect(
            events.map(\.kind) == [
                .invalidUser, .failedPassword, .failedPassword, .connectionClosed, .connectionClosed, .invalidUser,
                .other, .other, .failedPassword, .invalidUser,
            ]
        )
        let recognised = events.filter { $0.kind != .other }
        #expect(recognised.allSatisfy { $0.address?.hasPrefix("198.51.100.6") == true })
        #expect(recognised.map(\.port) == [45000, 45000, 45000, 45000, 45000, 45000, 45001, 45002])
        #expect(events[0].user == "x from 203.0.113.9 port 22")
        #expect(events[2].user == "x from 203.0.113.9 port 22 ssh2")
        #expect(events[4].user == "a [preauth]")
        #expect(events[4].preauth)
        #expect(events[5].user == "")
        #expect(events[9].user == "\u{1B}[31mred\u{1B}[0m")
        // Lines whose address is not an IP address are kept whole, not half-parsed.
        #expect(events[6].detail == "Invalid user ghost from not-an-ip port 45000")
        #expect(events[7].address == nil)
    }

    @Test("read in January, December's classic stamps belong to the year before; RFC 3339 stamps keep theirs")
    func newYear() {
        let parser = SSHDLogParser(classicYear: .latestNotAfter(year: 2027, month: 1))
        let text = """
            Dec 31 23:59:59 h sshd[1]: Received signal 15; terminating.
            Jan  1 00:00:01 h sshd[2]: Server listening on :: port 22.
            2027-12-31T23:59:59Z h sshd[3]: Received signal 1; terminating.
            """
        let years = parser.parse(text).value.map { $0.timestamp?.year }
        #expect(years == [2026, 2027, 2027])
        #expect(SSHDLogParser(year: 2027).parse(text).value.map { $0.timestamp?.year } == [2027, 2027, 2027])
        #expect(SSHDLogParser().parse(text).value.map { $0.timestamp?.year } == [nil, nil, 2027])
    }
}
