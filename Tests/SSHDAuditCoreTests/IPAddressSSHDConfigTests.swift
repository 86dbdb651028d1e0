import SSHDAuditCore
import Testing

/// The sshd_config side of ``IPAddress``: `ListenAddress` and `Match Address` hosts, and CIDR blocks.
@Suite("IPAddress in sshd_config")
struct IPAddressSSHDConfigTests {
    @Test(
        "reads numeric hosts and prints them like inet_ntop",
        arguments: [
            ("127.0.0.1", "127.0.0.1"), ("::", "::"), ("::1", "::1"), ("fe80:0:0:0::1", "fe80::1"),
            ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"), ("fe80::1%eth0", "fe80::1"), ("fe80::1%2", "fe80::1"),
        ]
    )
    func canonicalText(input: String, expected: String) throws {
        #expect(try #require(IPAddress(sshdNumericHost: input)).description == expected)
    }

    @Test("drops the zone, which names an interface and not another address")
    func zone() throws {
        let zoned = try #require(IPAddress(sshdNumericHost: "fe80::1%eth0"))
        #expect(zoned == IPAddress("fe80::1"))
        #expect(zoned.family == .ipv6)
        // The plain initializer keeps refusing zones: only sshd_config text carries them.
        #expect(IPAddress("fe80::1%eth0") == nil)
    }

    @Test(
        "refuses what is not a numeric host, leaving it to the resolver",
        arguments: [
            "256.1.1.1", "1.2.3", "1::2::3", "host", "", "1:2:3:4:5:6:7:8:9",
            // A zone belongs to IPv6 only, and needs an address before it.
            "192.0.2.1%eth0", "%eth0", "fe80::1 %eth0",
            // glibc reads 010 as octal (8.0.0.1): the resolver, not this parser, decides what it means.
            "010.0.0.1", "[::1]", "::1/128",
        ]
    )
    func rejects(input: String) {
        #expect(IPAddress(sshdNumericHost: input) == nil)
    }

    @Test("prefix matching compares only the network bits")
    func prefixes() throws {
        let network = try #require(IPAddress(sshdNumericHost: "10.20.0.0"))
        #expect(try #require(IPAddress(sshdNumericHost: "10.20.99.1")).isIn(network: network, prefixLength: 16))
        #expect(try !#require(IPAddress(sshdNumericHost: "10.21.0.1")).isIn(network: network, prefixLength: 16))
        #expect(try !#require(IPAddress(sshdNumericHost: "::1")).isIn(network: network, prefixLength: 0))
        let linkLocal = try #require(IPAddress(sshdNumericHost: "fe80::"))
        #expect(try #require(IPAddress(sshdNumericHost: "fe80::1%eth0")).isIn(network: linkLocal, prefixLength: 10))
    }

    @Test(
        "host bits must be zero in a CIDR block, as addr_pton_cidr requires",
        arguments: [
            ("10.0.0.0", 8, true), ("10.0.0.1", 8, false), ("10.0.0.1", 32, true), ("0.0.0.0", 0, true),
            ("10.0.0.0", 0, false), ("192.0.2.128", 25, true), ("192.0.2.128", 24, false),
            ("2001:db8::", 32, true), ("2001:db8::1", 64, false), ("2001:db8::1", 128, true), ("::", 0, true),
            ("fe80::", 9, true), ("fe80::", 8, false),
            // Lengths the family cannot have are never valid blocks.
            ("10.0.0.0", 33, false), ("10.0.0.0", -1, false), ("::", 129, false),
        ]
    )
    func hostBits(address: String, prefixLength: Int, zero: Bool) throws {
        #expect(try #require(IPAddress(address)).hostBitsAreZero(prefixLength: prefixLength) == zero)
    }
}
