import SSHDAuditCore
import Testing

@Suite("SSHDMessageClassifier")
struct LogsMessageClassifierTests {
    /// One message and the event it must give (fields not named stay `nil`/`false`).
    static let cases: [(String, SSHDLogEvent)] = [
        (
            "Accepted publickey for alice from 198.51.100.20 port 50022 ssh2: ED25519 SHA256:abc",
            SSHDLogEvent(
                kind: .accepted,
                user: "alice",
                address: "198.51.100.20",
                port: 50022,
                method: "publickey",
                detail: "ED25519 SHA256:abc"
            )
        ),
        (
            "Failed password for invalid user oracle from 2001:db8::7 port 40102 ssh2",
            SSHDLogEvent(
                kind: .failedPassword,
                user: "oracle",
                invalidUser: true,
                address: "2001:db8::7",
                port: 40102,
                method: "password"
            )
        ),
        (
            "Failed none for invalid user x from ::ffff:192.0.2.1 port 1 ssh2 [preauth]",
            SSHDLogEvent(
                kind: .failedOther,
                user: "x",
                invalidUser: true,
                address: "::ffff:192.0.2.1",
                port: 1,
                method: "none",
                preauth: true
            )
        ),
        (
            "Connection closed by authenticating user root 203.0.113.10 port 40400 [preauth]",
            SSHDLogEvent(kind: .connectionClosed, user: "root", address: "203.0.113.10", port: 40400, preauth: true)
        ),
        (
            "Connection reset by user bob fe80::1%eth0 port 22",
            SSHDLogEvent(kind: .connectionReset, user: "bob", address: "fe80::1%eth0", port: 22)
        ),
        (
            "Received disconnect from 203.0.113.15 port 40900:3: com.jcraft.jsch.JSchException: Auth fail [preauth]",
            SSHDLogEvent(
                kind: .receivedDisconnect,
                address: "203.0.113.15",
                port: 40900,
                count: 3,
                detail: "com.jcraft.jsch.JSchException: Auth fail",
                preauth: true
            )
        ),
        (
            "Timeout before authentication for connection from 203.0.113.44, pid = 7010",
            SSHDLogEvent(kind: .timeoutBeforeAuthentication, address: "203.0.113.44", sessionPID: 7010)
        ),
        (
            "drop connection #7 from [2001:db8::9]:50000 on [::]:22 past MaxStartups",
            SSHDLogEvent(
                kind: .dropConnection,
                address: "2001:db8::9",
                port: 50000,
                listenerAddress: "::",
                listenerPort: 22,
                count: 7,
                dropReason: "MaxStartups"
            )
        ),
        (
            "in MaxStartups throttling for 1d02h03m, 12345 connections dropped",
            SSHDLogEvent(kind: .maxStartupsThrottling, count: 12345, duration: "1d02h03m")
        ),
        (
            "error: Bind to port 2222 on 192.0.2.1 failed: Cannot assign requested address.",
            SSHDLogEvent(
                kind: .bindFailed,
                listenerAddress: "192.0.2.1",
                listenerPort: 2222,
                detail: "Cannot assign requested address"
            )
        ),
        (
            "Server listening on 192.0.2.1 port 22 rdomain red.",
            SSHDLogEvent(kind: .serverListening, listenerAddress: "192.0.2.1", listenerPort: 22)
        ),
        ("Received signal 15; terminating.", SSHDLogEvent(kind: .terminating, count: 15)),
        (
            "message repeated 3 times: [ Connection closed by 203.0.113.12 port 40600 [preauth]]",
            SSHDLogEvent(kind: .connectionClosed, address: "203.0.113.12", port: 40600, preauth: true, repeated: 3)
        ),
    ]

    @Test("reads each kind's fields", arguments: cases)
    func fields(message: String, expected: SSHDLogEvent) {
        #expect(SSHDMessageClassifier.classify(message) == expected)
    }

    @Test(
        "an unknown sshd message becomes .other with its whole text",
        arguments: [
            "pam_unix(sshd:session): session closed for user alice",
            "error: kex_exchange_identification: read: Connection reset by peer",
            "Connection closed by",
            "drop connection #1 from [203.0.113.1]:1 on [192.0.2.1]:22 for no reason",
            "beginning MaxStartups throttling now",
            "Received signal 15; terminating. Really.",
            "",
        ]
    )
    func other(message: String) {
        let event = SSHDMessageClassifier.classify(message)
        #expect(event.kind == .other)
        #expect(event.detail == message)
    }

    @Test("a CRLF line end is not part of the message")
    func carriageReturn() {
        let event = SSHDMessageClassifier.classify("Invalid user git from 203.0.113.51 port 44100\r")
        #expect(event.kind == .invalidUser)
        #expect(event.port == 44100)
    }

    // MARK: - Injection

    @Test(
        "a user name cannot change the recorded address or port",
        arguments: [
            "Invalid user x from 203.0.113.9 port 22 from 198.51.100.60 port 45000",
            "Failed password for invalid user x from 203.0.113.9 port 22 from 198.51.100.60 port 45000 ssh2",
            "Failed password for invalid user x from 203.0.113.9 port 22 ssh2 from 198.51.100.60 port 45000 ssh2",
            "Failed publickey for x from 203.0.113.9 port 22 ssh2: RSA SHA256:a from 198.51.100.60 port 45000 ssh2: RSA SHA256:b",
            "Connection closed by invalid user x 203.0.113.9 port 22 198.51.100.60 port 45000 [preauth]",
            "Connection closed by invalid user x from 203.0.113.9 port 22 198.51.100.60 port 45000 [preauth]",
            "Disconnected from invalid user 203.0.113.9 port 22 198.51.100.60 port 45000 [preauth]",
            "error: maximum authentication attempts exceeded for x from 203.0.113.9 port 22 ssh2 from 198.51.100.60 port 45000 ssh2 [preauth]",
        ]
    )
    func injectedAddress(message: String) {
        let event = SSHDMessageClassifier.classify(message)
        #expect(event.kind != .other)
        #expect(event.address == "198.51.100.60")
        #expect(event.port == 45000)
        #expect(event.user?.contains("203.0.113.9") == true)
    }

    @Test("a user name ending in [preauth] stays in the user name")
    func injectedPreauth() {
        let event = SSHDMessageClassifier.classify(
            "Connection closed by invalid user a [preauth] 198.51.100.60 port 45000"
        )
        #expect(event.kind == .connectionClosed)
        #expect(event.user == "a [preauth]")
        #expect(event.preauth == false)
    }

    @Test(
        "an address that is not an IP address is not recorded",
        arguments: [
            "Invalid user ghost from not-an-ip port 45000",
            "Invalid user ghost from 999.1.1.1 port 45000",
            "Invalid user ghost from 1.2.3 port 45000",
            "Invalid user ghost from 1:2:3:4:5:6:7:8:9 port 45000",
            "Invalid user ghost from 1::2::3 port 45000",
            "Connection closed by host.example.com port 22",
            "Failed password for root from 203.0.113.9 port 99999999999999999999 ssh2",
        ]
    )
    func invalidAddress(message: String) {
        let event = SSHDMessageClassifier.classify(message)
        #expect(event.kind == .other)
        #expect(event.address == nil)
    }

    @Test("empty and strange user names are kept verbatim")
    func strangeUsers() {
        #expect(SSHDMessageClassifier.classify("Invalid user  from 198.51.100.60 port 1").user == "")
        let escape = SSHDMessageClassifier.classify("Invalid user \u{1B}[31mred from 198.51.100.60 port 1")
        #expect(escape.user == "\u{1B}[31mred")
    }
}
