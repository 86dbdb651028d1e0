import SSHDAuditCore
import Testing

@Suite("IPAddress as a firewall element")
struct IPAddressFirewallElementTests {
    @Test(
        "parses IPv4 and IPv6 text",
        arguments: [
            ("192.0.2.1", "192.0.2.1"),
            ("::1", "::1"),
            ("2001:db8::bad", "2001:db8::bad"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("fe80::", "fe80::"),
        ]
    )
    func parses(text: String, expected: String) throws {
        #expect(try #require(IPAddress(text)).description == expected)
    }

    @Test(
        "rejects what is not an address",
        arguments: ["", "1.2.3", "1.2.3.256", "1::2::3", "1:2:3:4:5:6:7:8:9", "x::1", "1.2.3.4/8"]
    )
    func rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("matches addresses, prefixes and ranges of its own family only")
    func containment() throws {
        let v4 = try #require(IPAddress("198.51.100.23"))
        #expect(v4.isContained(in: "198.51.100.0/24") == true)
        #expect(v4.isContained(in: "198.51.101.0/24") == false)
        #expect(v4.isContained(in: "0.0.0.0/0") == true)
        #expect(v4.isContained(in: "198.51.100.23") == true)
        #expect(v4.isContained(in: "198.51.100.20-198.51.100.30") == true)
        #expect(v4.isContained(in: "2001:db8::/32") == false)
        #expect(v4.isContained(in: "198.51.100.0/255.255.255.0") == nil)
        let v6 = try #require(IPAddress("2001:db8::bad"))
        #expect(v6.isContained(in: "2001:db8::/32") == true)
        #expect(v6.isContained(in: "2001:db9::/32") == false)
        #expect(v6.isContained(in: "2001:db8::bad/128") == true)
        #expect(v6.isContained(in: "10.0.0.0/8") == false)
    }

    @Test("a prefix covers exactly its first through last address")
    func prefixBounds() throws {
        let v4 = try #require(IPAddress.bounds(of: "198.51.100.77/24"))
        #expect(v4.lowerBound.description == "198.51.100.0")
        #expect(v4.upperBound.description == "198.51.100.255")
        let v6 = try #require(IPAddress.bounds(of: "2001:db8::/32"))
        #expect(v6.lowerBound.description == "2001:db8::")
        #expect(v6.upperBound.description == "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
        let everything = try #require(IPAddress.bounds(of: "0.0.0.0/0"))
        #expect(everything.upperBound.description == "255.255.255.255")
        #expect(IPAddress.bounds(of: "10.0.0.0/33") == nil)
        #expect(IPAddress.bounds(of: "10.0.0.9-10.0.0.1") == nil)
        #expect(try #require(IPAddress("::1")) > #require(IPAddress("255.255.255.255")))
    }
}
