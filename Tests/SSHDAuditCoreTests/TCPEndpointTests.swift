import SSHDAuditCore
import Testing

@Suite("TCPEndpoint and TCPState")
struct TCPEndpointTests {
    @Test(
        "prints address:port as ss -n does, IPv6 in brackets",
        arguments: [
            ("0.0.0.0", 22, "0.0.0.0:22"),
            ("127.0.0.1", 2222, "127.0.0.1:2222"),
            ("::", 22, "[::]:22"),
            ("::1", 65535, "[::1]:65535"),
            ("::ffff:127.0.0.1", 8080, "[::ffff:127.0.0.1]:8080"),
        ]
    )
    func description(address: String, port: UInt16, expected: String) throws {
        #expect(TCPEndpoint(address: try #require(IPAddress(address)), port: port).description == expected)
    }

    @Test("sorts by port, then by address")
    func ordering() throws {
        let endpoints = try [("::", 22), ("127.0.0.1", 631), ("0.0.0.0", 22), ("0.0.0.0", 21)].map {
            TCPEndpoint(address: try #require(IPAddress($0.0)), port: UInt16($0.1))
        }
        #expect(endpoints.sorted().map(\.description) == ["0.0.0.0:21", "0.0.0.0:22", "[::]:22", "127.0.0.1:631"])
    }

    @Test("numbers states as include/net/tcp_states.h does and names them as ss does")
    func states() {
        #expect(TCPState(rawValue: 0x01) == .established)
        #expect(TCPState(rawValue: 0x06) == .timeWait)
        #expect(TCPState(rawValue: 0x0A) == .listen)
        #expect(TCPState(rawValue: 0x0C) == .newSynReceived)
        #expect(TCPState(rawValue: 0) == nil)
        #expect(TCPState(rawValue: 14) == nil)
        #expect(TCPState.allCases.map(\.rawValue) == Array(1...13))
        #expect(TCPState.listen.description == "LISTEN")
        #expect(TCPState.established.description == "ESTAB")
        #expect(TCPState.close.description == "UNCONN")
    }
}
