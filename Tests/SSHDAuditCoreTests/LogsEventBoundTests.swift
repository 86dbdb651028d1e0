import SSHDAuditCore
import Testing

/// Forged sshd lines of hundreds of KiB must not be stored whole in the daemon's event window.
@Suite("SSHDLogEvent text bound")
struct LogsEventBoundTests {
    private static func textBytes(_ event: SSHDLogEvent) -> Int {
        [
            event.address, event.method, event.listenerAddress, event.duration, event.dropReason, event.penalty,
            event.path, event.user, event.detail,
        ]
        .reduce(0) { $0 + ($1?.utf8.count ?? 0) }
    }

    @Test("every event parsed from genuine sshd lines is within the bound and unchanged")
    func genuineUnchanged() {
        let lines = [
            "Nov 21 10:00:00 h sshd[1]: Failed password for invalid user admin from 192.0.2.1 port 22 ssh2",
            "Nov 21 10:00:00 h sshd[1]: Accepted publickey for alice from 2001:db8::1 port 50000 ssh2: ED25519 SHA256:"
                + String(repeating: "k", count: 43),
            "Nov 21 10:00:00 h sshd[1]: Authentication refused: bad ownership or modes for directory /home/alice/.ssh",
        ]
        for event in SSHDLogParser(year: 2026).parse(lines.joined(separator: "\n")).value {
            #expect(event.bounded() == event)
        }
    }

    @Test(
        "a forged line's 200 KiB user name and text are cut to 1 KiB in all, on a character boundary; the address kept"
    )
    func forgedCut() throws {
        let user = String(repeating: "é", count: 100_000)
        let line =
            "Nov 21 10:00:00 \(String(repeating: "h", count: 4_000)) sshd[1]: Failed password for \(user)"
            + " from 198.51.100.7 port 22 ssh2"
        let event = try #require(SSHDLogParser(year: 2026).parse(line).value.first)
        #expect(Self.textBytes(event) > 200_000)
        let bounded = event.bounded()
        #expect(Self.textBytes(bounded) <= SSHDLogEvent.maximumTextBytes)
        #expect((bounded.host?.utf8.count ?? 0) <= SSHDLogEvent.maximumHostBytes)
        #expect(bounded.address == "198.51.100.7")
        #expect(bounded.kind == .failedPassword)
        let cutUser = try #require(bounded.user)
        #expect(!cutUser.isEmpty && cutUser.unicodeScalars.allSatisfy { $0 == "é" })
        #expect(user.hasPrefix(cutUser))
    }
}
