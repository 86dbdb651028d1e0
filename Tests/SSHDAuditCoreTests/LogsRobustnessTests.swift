import Foundation
import SSHDAuditCore
import Testing

@Suite("sshd log parsing on hostile input")
struct LogsRobustnessTests {
    /// Parses one line of raw bytes and renders the result both ways; the JSON must stay valid.
    func exercise(_ bytes: [UInt8], framing: SSHDLogParser.Framing = .syslog) throws -> SSHDLogParser.LineResult {
        let result = bytes.withUnsafeBufferPointer { SSHDLogParser(framing: framing, year: 2026).parse(line: $0) }
        if case .event(let event) = result {
            var json = ByteWriter()
            event.appendJSONLine(to: &json)
            #expect(json.bytes.last == 0x0A)
            #expect(json.bytes.dropLast().contains(0x0A) == false)
            let object = try JSONSerialization.jsonObject(with: Data(json.bytes.dropLast()))
            #expect((object as? [String: Any])?["kind"] as? String == event.kind.rawValue)
            var text = ByteWriter()
            event.appendTextLine(to: &text)
            // One line, and no raw control characters that a terminal would act on.
            #expect(text.bytes.dropLast().allSatisfy { $0 >= 0x20 && $0 != 0x7F })
        }
        return result
    }

    @Test("embedded NUL and invalid UTF-8 in a user name")
    func nulAndInvalidUTF8() throws {
        let prefix = Array("Nov 21 10:00:00 h sshd[1]: Invalid user a".utf8)
        let line = prefix + [0x00, 0xFF, 0xC3, 0x28, 0xC2, 0x9B] + Array(" from 203.0.113.1 port 22".utf8)
        guard case .event(let event) = try self.exercise(line) else {
            Issue.record("not an event")
            return
        }
        #expect(event.kind == .invalidUser)
        #expect(event.address == "203.0.113.1")
        #expect(event.user?.unicodeScalars.first { $0.value == 0 } != nil)
        #expect(event.user?.contains("\u{FFFD}") == true)
    }

    @Test("a 1 MiB message is classified in one piece")
    func veryLongLine() throws {
        let user = String(repeating: "u", count: 1 << 20)
        let line = "Nov 21 10:00:00 h sshd[1]: Invalid user \(user) from 203.0.113.1 port 22"
        guard case .event(let event) = try self.exercise(Array(line.utf8)) else {
            Issue.record("not an event")
            return
        }
        #expect(event.user?.utf8.count == 1 << 20)
        #expect(event.address == "203.0.113.1")
    }

    @Test("truncated prefixes of every fixture-style line never crash")
    func truncations() throws {
        let lines = [
            "Nov 21 10:00:00 h sshd[1]: Accepted publickey for a from 203.0.113.1 port 22 ssh2: ED25519 SHA256:x",
            "<38>1 2026-11-21T10:00:00.5+01:00 h sshd 1 - [a x=\"]\"] drop connection #1 from [::1]:2 on [::]:22 penalty: x",
            "2026-11-21T10:00:00Z h sshd-session[1]: Received disconnect from 2001:db8::1 port 2:11: bye [preauth]",
            "Nov 21 10:00:00 h sshd[1]: Timeout before authentication for connection from 1.2.3.4 to 5.6.7.8, pid = 9",
            "Nov 21 10:00:00 h sshd[1]: exited MaxStartups throttling after 00:00:01, 1 connections dropped",
        ]
        for line in lines {
            let bytes = Array(line.utf8)
            for length in 0...bytes.count {
                _ = try self.exercise(Array(bytes[0..<length]))
                _ = try self.exercise(Array(bytes[(bytes.count - length)...]), framing: .message)
            }
        }
    }

    @Test("100,000 pseudo-random lines built from log fragments never crash")
    func randomFragments() throws {
        let fragments = [
            "Nov 21 10:00:00 ", "2026-11-21T10:00:00Z ", "<38>1 ", "h ", "sshd", "[1]: ", " ", "from ", "port ",
            "203.0.113.1", "::1", "[", "]", ":", "22", " ssh2", ": ", "Accepted ", "Failed ", "Invalid user ",
            "Connection closed by ", "drop connection #", " [preauth]", "user ", "\u{0}", "\u{FFFD}", "\n", "%",
        ]
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<100_000 {
            var line = ""
            for _ in 0..<Int(generator.next() % 12) {
                line += fragments[Int(generator.next() % UInt64(fragments.count))]
            }
            _ = try self.exercise(Array(line.utf8))
            _ = try self.exercise(Array(line.utf8), framing: .message)
        }
    }
}
