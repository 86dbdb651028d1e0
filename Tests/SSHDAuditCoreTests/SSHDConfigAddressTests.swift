import SSHDAuditCore
import Testing

@Suite("sshd_config numeric addresses")
struct SSHDConfigAddressTests {
    @Test(
        "prints like inet_ntop",
        arguments: [
            ("127.0.0.1", "127.0.0.1"), ("::", "::"), ("::1", "::1"), ("fe80:0:0:0::1", "fe80::1"),
            ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"), ("fe80::1%eth0", "fe80::1"),
        ]
    )
    func canonicalText(input: String, expected: String) throws {
        #expect(try #require(SSHDConfigAddress(input)).description == expected)
    }

    @Test(
        "rejects what getaddrinfo(AI_NUMERICHOST) would",
        arguments: ["256.1.1.1", "1.2.3", "1::2::3", "host", "", "1:2:3:4:5:6:7:8:9"]
    )
    func rejects(input: String) {
        #expect(SSHDConfigAddress(input) == nil)
    }

    @Test("prefix matching compares only the network bits")
    func prefixes() throws {
        let network = try #require(SSHDConfigAddress("10.20.0.0"))
        #expect(try #require(SSHDConfigAddress("10.20.99.1")).isIn(network: network, prefixLength: 16))
        #expect(try !#require(SSHDConfigAddress("10.21.0.1")).isIn(network: network, prefixLength: 16))
        #expect(try !#require(SSHDConfigAddress("::1")).isIn(network: network, prefixLength: 0))
    }
}
