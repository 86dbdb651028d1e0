import SSHDAuditCore
import Testing

@Suite("SyslogLineParser")
struct LogsSyslogLineParserTests {
    /// The parsed parts as strings, for readable expectations.
    struct Parts: Equatable {
        var timestamp: LogTimestamp?
        var host: String
        var program: String
        var pid: Int?
        var message: String
    }

    func parse(_ line: String, year: Int? = 2026) -> Parts? {
        var copy = line
        return copy.withUTF8 { bytes in
            SyslogLineParser.parse(bytes, year: year).map { parts in
                func text(_ range: Range<Int>) -> String {
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                }
                return Parts(
                    timestamp: parts.timestamp,
                    host: text(parts.host),
                    program: text(parts.program),
                    pid: parts.pid,
                    message: text(parts.message)
                )
            }
        }
    }

    @Test("classic stamps, zero- or space-padded day, with or without a <PRI>")
    func classic() {
        let expected = Parts(
            timestamp: LogTimestamp(year: 2026, month: 3, day: 4, hour: 5, minute: 6, second: 7),
            host: "h",
            program: "sshd",
            pid: 42,
            message: "hello"
        )
        #expect(self.parse("Mar  4 05:06:07 h sshd[42]: hello") == expected)
        #expect(self.parse("Mar 04 05:06:07 h sshd[42]: hello") == expected)
        #expect(self.parse("<38>Mar  4 05:06:07 h sshd[42]: hello") == expected)
        #expect(self.parse("Mar  4 05:06:07 h sshd[42]: hello", year: nil)?.timestamp?.year == nil)
    }

    @Test("journalctl -o short-precise: a classic stamp with microseconds")
    func shortPrecise() {
        let parts = self.parse("Nov 21 10:00:00.123456 h sshd[1]: m")
        #expect(parts?.timestamp?.nanosecond == 123_456_000)
        #expect(parts?.host == "h")
        #expect(parts?.message == "m")
        #expect(self.parse("Nov 21 10:00:00. h sshd[1]: m") == nil)
        // Digits past nanoseconds are read and dropped.
        #expect(self.parse("2026-11-21T10:00:00.1234567891234Z h sshd[1]: m")?.timestamp?.nanosecond == 123_456_789)
    }

    @Test("a line without a host field")
    func noHost() {
        let parts = self.parse("Nov 21 10:00:00 sshd[1]: Server listening on :: port 22.")
        #expect(parts?.host == "")
        #expect(parts?.program == "sshd")
        #expect(parts?.message == "Server listening on :: port 22.")
    }

    @Test("a tag without a pid, and the kernel's tag")
    func tagWithoutPID() {
        #expect(self.parse("Dec 31 23:59:60 h sshd: x")?.pid == nil)
        #expect(self.parse("Dec 31 23:59:60 h kernel: [1.0] x")?.program == "kernel")
    }

    @Test("RFC 3339 with fractions and every offset spelling")
    func rfc3339() {
        let parts = self.parse("2026-11-21T10:00:00.5-08:00 host sshd-session[7]: m")
        #expect(parts?.timestamp?.nanosecond == 500_000_000)
        #expect(parts?.timestamp?.utcOffsetMinutes == -480)
        #expect(self.parse("2026-11-21T10:00:00+0530 host sshd[7]: m")?.timestamp?.utcOffsetMinutes == 330)
        #expect(self.parse("2026-11-21T10:00:00Z host sshd[7]: m")?.timestamp?.utcOffsetMinutes == 0)
        #expect(self.parse("2026-11-21T10:00:00.123456789Z host sshd[7]: m")?.timestamp?.nanosecond == 123_456_789)
    }

    @Test("RFC 5424: nil values, structured data with escaped brackets, BOM")
    func rfc5424() {
        let parts = self.parse(#"<38>1 - - sshd - - [a@1 x="q\]\"" y="]"][b@2] "# + "\u{FEFF}msg")
        #expect(parts == Parts(timestamp: nil, host: "", program: "sshd", pid: nil, message: "msg"))
        #expect(self.parse("<38>1 2026-11-21T10:00:00Z h sshd 12 ID47 - m m")?.message == "m m")
        #expect(self.parse("<38>1 2026-11-21T10:00:00Z h sshd 12 ID47 -")?.message == "")
    }

    @Test(
        "lines without a syslog framing are rejected",
        arguments: [
            "", "-- No entries --", "Foo 21 10:00:00 h sshd[1]: m", "Nov 21 10:00 h sshd[1]: m",
            "Nov 21 25:00:00 h sshd[1]: m", "Nov 21 10:00:00 h", "Nov 21 10:00:00 h sshd[1 m",
            "2026-13-01T00:00:00Z h sshd[1]: m", "2026-11-21T10:00:00 h sshd[1]: m", "<999999>1 x",
            "<38>1 2026-11-21T10:00:00Z h sshd", "Nov 21 10:00:00 h sshd[1] m",
        ]
    )
    func rejects(line: String) {
        #expect(self.parse(line) == nil)
    }

    @Test("time stamps print as RFC 3339, or truncated ISO 8601 without a year")
    func timestampText() {
        let stamp = LogTimestamp(
            year: 2026,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            nanosecond: 120_000_000,
            utcOffsetMinutes: -90
        )
        #expect(stamp.description == "2026-01-02T03:04:05.120000-01:30")
        #expect(
            LogTimestamp(year: nil, month: 11, day: 2, hour: 0, minute: 0, second: 0).description == "--11-02T00:00:00"
        )
        #expect(
            LogTimestamp(year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanosecond: 1).description
                == "2026-01-01T00:00:00.000000001"
        )
    }
}
