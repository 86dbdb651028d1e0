import Foundation
import SSHDAuditCore
import Testing

/// The fast path (``SSHDLogEventRanges``, rendered from the line's bytes) against the owned path
/// (``SSHDLogEvent``, rendered from its strings): they must agree on every line, byte for byte.
@Suite("sshd log fast path")
struct LogsFastPathTests {
    /// Both paths over one line: the line kind, and the owned event's rendering, text and JSON.
    struct Outcome: Equatable, CustomStringConvertible {
        var kind: SSHDLogParser.LineKind
        var json: String
        var text: String
        var description: String { "\(self.kind) \(self.json)\(self.text)" }
    }

    static func owned(_ parser: SSHDLogParser, _ line: UnsafeBufferPointer<UInt8>) -> Outcome {
        var event = SSHDLogEvent(kind: .other)
        let kind = parser.parse(line: line, into: &event)
        guard kind == .sshd else { return Outcome(kind: kind, json: "", text: "") }
        var json = ByteWriter()
        event.appendJSONLine(to: &json)
        var text = ByteWriter()
        event.appendTextLine(to: &text)
        return Outcome(kind: kind, json: Self.decode(json.bytes), text: Self.decode(text.bytes))
    }

    static func fast(_ parser: SSHDLogParser, _ line: UnsafeBufferPointer<UInt8>) -> Outcome {
        var event = SSHDLogEventRanges(kind: .other)
        let kind = parser.parse(line: line, into: &event)
        guard kind == .sshd else { return Outcome(kind: kind, json: "", text: "") }
        var json = ByteWriter()
        event.appendJSONLine(line: line, to: &json)
        var text = ByteWriter()
        event.appendTextLine(line: line, to: &text)
        return Outcome(kind: kind, json: Self.decode(json.bytes), text: Self.decode(text.bytes))
    }

    /// Rendered output must itself be valid UTF-8; decoding without repair shows it is.
    static func decode(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? "INVALID UTF-8: \(bytes)"
    }

    static func lines(of text: String) -> [[UInt8]] {
        Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    }

    static let fixtures: [(file: String, framing: SSHDLogParser.Framing)] = [
        ("debian12-openssh92-auth.log", .syslog),
        ("rsyslog-openssh99-rfc3339.log", .syslog),
        ("rfc5424-openssh100.log", .syslog),
        ("journal-messages-openssh89.txt", .message),
        ("injection.log", .syslog),
    ]

    @Test("both paths agree on every line of every fixture", arguments: fixtures.map(\.file))
    func fixtureLines(file: String) throws {
        let framing = try #require(Self.fixtures.first { $0.file == file }?.framing)
        let url = try #require(Bundle.module.url(forResource: "Fixtures/logs/\(file)", withExtension: nil))
        let parser = SSHDLogParser(framing: framing, year: 2026)
        var sshdLines = 0
        for line in Self.lines(of: try String(contentsOf: url, encoding: .utf8)) {
            line.withUnsafeBufferPointer { line in
                let owned = Self.owned(parser, line)
                #expect(Self.fast(parser, line) == owned, "\(String(decoding: line, as: UTF8.self))")
                if owned.kind == .sshd { sshdLines += 1 }
            }
        }
        #expect(sshdLines > 0)
    }

    @Test("the ranges name the owned event's text, and materialise to the owned event")
    func rangesMatchFields() {
        let line = Array(
            "2026-11-21T10:00:00Z web-02 sshd-session[77]: Failed publickey for invalid user bob from 2001:db8::1 port 4022 ssh2: ED25519 SHA256:abc [preauth]"
                .utf8
        )
        line.withUnsafeBufferPointer { line in
            let parser = SSHDLogParser()
            var ranges = SSHDLogEventRanges()
            #expect(parser.parse(line: line, into: &ranges) == .sshd)
            func text(_ range: Range<Int>?) -> String? {
                range.map { String(decoding: line[$0], as: UTF8.self) }
            }
            #expect(ranges.kind == .failedPublickey)
            #expect(text(ranges.host) == "web-02")
            #expect(text(ranges.user) == "bob")
            #expect(text(ranges.address) == "2001:db8::1")
            #expect(text(ranges.method) == "publickey")
            #expect(text(ranges.detail) == "ED25519 SHA256:abc")
            #expect(ranges.port == 4022)
            #expect(ranges.pid == 77)
            #expect(ranges.invalidUser && ranges.preauth)
            #expect(ranges.path == nil && ranges.count == nil)
            var owned = SSHDLogEvent(kind: .other)
            #expect(parser.parse(line: line, into: &owned) == .sshd)
            #expect(ranges.event(in: line) == owned)
            #expect(owned.user == "bob" && owned.detail == "ED25519 SHA256:abc" && owned.host == "web-02")
        }
    }

    /// Bytes that need escaping or repair, placed at every offset of a user name so each lands in every lane
    /// of the eight-byte scan.
    static let awkward: [[UInt8]] = [
        [0x22], [0x5C], [0x09], [0x0A], [0x0D], [0x1B], [0x00], [0x1F], [0x7F], [0x20],
        [0xC2, 0x85],  // U+0085, a C1 control
        [0xC3, 0xA9],  // é
        [0xE2, 0x82, 0xAC],  // €
        [0xF0, 0x9F, 0x98, 0x80],  // 😀
        [0xFF],  // never valid in UTF-8
        [0xC3],  // a truncated sequence
        [0xED, 0xA0, 0x80],  // a UTF-16 surrogate, invalid in UTF-8
        [0xC0, 0xAF],  // an overlong `/`
    ]

    @Test("escaping and UTF-8 repair agree for awkward bytes at every offset", arguments: awkward)
    func awkwardBytes(bytes: [UInt8]) {
        let parser = SSHDLogParser(year: 2026)
        for offset in 0..<20 {
            let user = Array(repeating: UInt8(ascii: "u"), count: offset) + bytes + Array("tail".utf8)
            for message in [
                Array("Invalid user ".utf8) + user + Array(" from 198.51.100.7 port 50022".utf8),
                Array("Connection closed by invalid user ".utf8) + user + Array(" 198.51.100.7 port 1 [preauth]".utf8),
                Array("Unexpected ".utf8) + user,
            ] {
                let line = Array("Nov 21 10:00:00 host sshd[1]: ".utf8) + message
                line.withUnsafeBufferPointer { line in
                    let owned = Self.owned(parser, line)
                    #expect(owned.kind == .sshd)
                    #expect(!owned.json.hasPrefix("INVALID") && !owned.text.hasPrefix("INVALID"))
                    #expect(Self.fast(parser, line) == owned, "offset \(offset): \(owned.json)")
                    // An independent check of the escaping: a strict JSON reader gets the repaired text back.
                    let object = try? JSONSerialization.jsonObject(with: Data(owned.json.utf8)) as? [String: Any]
                    let field = (object?["user"] ?? object?["message"]) as? String
                    let text = String(decoding: user, as: UTF8.self)
                    #expect(field == text || field == "Unexpected " + text, "offset \(offset): \(owned.json)")
                }
            }
        }
    }

    @Test("invalid UTF-8 becomes U+FFFD and control bytes are escaped in the fast rendering")
    func repairedOutput() throws {
        let line =
            Array("Nov 21 10:00:00 host sshd[1]: Invalid user a".utf8) + [0xFF, 0x1B, 0x22]
            + Array(" from 198.51.100.7 port 22".utf8)
        var json = ByteWriter()
        line.withUnsafeBufferPointer { line in
            var event = SSHDLogEventRanges()
            _ = SSHDLogParser(year: 2026).parse(line: line, into: &event)
            event.appendJSONLine(line: line, to: &json)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: Any])
        #expect(object["user"] as? String == "a\u{FFFD}\u{1B}\"")
        #expect(Self.decode(json.bytes).contains(#""user":"a\#u{FFFD}\u001b\"""#))
    }

    @Test("decimal rendering matches the standard library for widths 1...9", arguments: [1, 2, 4, 6, 9])
    func decimals(width: Int) {
        var values = Array(0...1_200) + [9_999, 10_000, 99_999, 100_000, 4_194_304, 999_999_999, Int.max, -1, -77]
        values += values.filter { $0 > 0 }.map { -$0 }
        for value in values {
            var out = ByteWriter()
            out.appendDecimal(value, width: width)
            let digits = String(value.magnitude)
            let expected =
                (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
            #expect(String(decoding: out.bytes, as: UTF8.self) == expected)
        }
    }
}
