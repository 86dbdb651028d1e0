import Foundation
import SSHDAuditCore
import Testing

@Suite("sshd event output")
struct LogsOutputTests {
    let event = SSHDLogEvent(
        kind: .failedPassword,
        timestamp: LogTimestamp(year: 2026, month: 11, day: 21, hour: 10, minute: 0, second: 0, utcOffsetMinutes: 0),
        host: "web1",
        program: .sshdSession,
        pid: 77,
        user: "a \"b\"\\\u{1B}[2J\u{85}",
        invalidUser: true,
        address: "203.0.113.1",
        port: 22,
        method: "password",
        preauth: true
    )

    @Test("JSON: one object per line, fields in order, strings escaped, controls as \\u")
    func json() throws {
        var out = ByteWriter()
        self.event.appendJSONLine(to: &out)
        let line = String(decoding: out.bytes, as: UTF8.self)
        #expect(
            line
                == #"{"kind":"failed_password","time":"2026-11-21T10:00:00Z","host":"web1","program":"sshd-session","pid":77,"user":"a \"b\"\\\u001b[2J\u0085","address":"203.0.113.1","port":22,"method":"password","invalid_user":true,"preauth":true}"#
                + "\n"
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.bytes)) as? [String: Any])
        #expect(object["user"] as? String == self.event.user)
    }

    @Test("text: plain tokens bare, anything else quoted and escaped")
    func text() {
        var out = ByteWriter()
        self.event.appendTextLine(to: &out)
        #expect(
            String(decoding: out.bytes, as: UTF8.self)
                == #"2026-11-21T10:00:00Z web1 sshd-session[77] failed_password user="a \"b\"\\\u001b[2J\u0085" address=203.0.113.1 port=22 method=password invalid_user preauth"#
                + "\n"
        )
        var bare = ByteWriter()
        SSHDLogEvent(kind: .other, detail: "x y").appendTextLine(to: &bare)
        #expect(String(decoding: bare.bytes, as: UTF8.self) == "- - - other message=\"x y\"\n")
    }

    @Test("the summary counts lines by outcome and events by kind")
    func summary() throws {
        let parser = SSHDLogParser(year: 2026)
        var summary = SSHDLogSummary()
        let lines = [
            "Nov 21 10:00:00 h sshd[1]: Invalid user a from 203.0.113.1 port 22",
            "Nov 21 10:00:00 h sshd[1]: Invalid user b from 203.0.113.1 port 22",
            "Nov 21 10:00:00 h sshd[1]: something new",
            "Nov 21 10:00:00 h CRON[1]: x",
            "garbage",
        ]
        for line in lines {
            var copy = line
            copy.withUTF8 { summary.record(parser.parse(line: $0)) }
        }
        #expect(summary.lines == 5)
        #expect(summary.sshdLines == 3)
        #expect(summary.otherProgramLines == 1)
        #expect(summary.unframedLines == 1)
        #expect(summary[.invalidUser] == 2)
        #expect(summary[.other] == 1)
        var text = ByteWriter()
        summary.appendText(to: &text)
        #expect(
            String(decoding: text.bytes, as: UTF8.self)
                == "lines 5, sshd 3, other programs 1, not syslog 1\ninvalid_user 2\nother 1\n"
        )
        var json = ByteWriter()
        summary.appendJSONLine(to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        let kinds = try #require(object["kinds"] as? [String: Int])
        #expect(kinds.count == SSHDLogEventKind.allCases.count)
        #expect(kinds["invalid_user"] == 2)
        #expect(object["unframed_lines"] as? Int == 1)
    }

    @Test("each kind is counted under its own name", arguments: SSHDLogEventKind.allCases)
    func countedUnderItsName(kind: SSHDLogEventKind) throws {
        var summary = SSHDLogSummary()
        summary.recordEvent(kind)
        #expect(SSHDLogEventKind.allCases.allSatisfy { summary[$0] == ($0 == kind ? 1 : 0) })
        var json = ByteWriter()
        summary.appendJSONLine(to: &json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        let kinds = try #require(object["kinds"] as? [String: Int])
        #expect(kinds.filter { $0.value != 0 } == [kind.rawValue: 1])

        // The renderings spell the kind exactly as its raw value.
        var line = ByteWriter()
        SSHDLogEvent(kind: kind).appendJSONLine(to: &line)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: Any])
        #expect(event["kind"] as? String == kind.rawValue)
        var text = ByteWriter()
        SSHDLogEvent(kind: kind, program: .sshdAuth).appendTextLine(to: &text)
        #expect(String(decoding: text.bytes, as: UTF8.self) == "- - sshd-auth \(kind.rawValue)\n")
    }
}
