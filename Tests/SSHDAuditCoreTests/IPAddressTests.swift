import Glibc
import SSHDAuditCore
import Testing

@Suite("IPAddress")
struct IPAddressTests {
    @Test(
        "formats and parses addresses the way inet_ntop writes them",
        arguments: [
            ("0.0.0.0", AddressFamily.ipv4),
            ("127.0.0.1", .ipv4),
            ("192.0.2.255", .ipv4),
            ("255.255.255.255", .ipv4),
            ("::", .ipv6),
            ("::1", .ipv6),
            ("::ffff:127.0.0.1", .ipv6),
            ("::ffff:0.0.0.0", .ipv6),
            ("::127.0.0.2", .ipv6),
            ("2001:db8::1", .ipv6),
            ("2001:db8:0:1:1:1:1:1", .ipv6),
            ("2001:0:0:1::1", .ipv6),
            ("1::2:0:0:3:4", .ipv6),
            ("fe80::", .ipv6),
            ("1::", .ipv6),
            ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", .ipv6),
        ]
    )
    func roundTrip(text: String, family: AddressFamily) throws {
        let address = try #require(IPAddress(text))
        #expect(address.family == family)
        #expect(address.description == text)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(
        "reads the long and upper-case forms inet_pton accepts",
        arguments: [
            ("0:0:0:0:0:0:0:1", "::1"),
            ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("0:0:0:0:0:ffff:7f00:1", "::ffff:127.0.0.1"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
            ("::1.2.3.4", "::1.2.3.4"),
        ]
    )
    func normalises(text: String, expected: String) throws {
        #expect(try #require(IPAddress(text)).description == expected)
    }

    @Test(
        "refuses what inet_pton refuses, and brackets, ports and zones",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", ".1.2.3", "1.2.3.4:22",
            ":", ":::", ":1", "1:", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::",
            "[::1]", "fe80::1%eth0", "::ffff:1.2.3", "::1.2.3.4:5", "g::1", "localhost",
        ]
    )
    func refuses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("tells v4-mapped addresses apart and unmaps them")
    func mapped() throws {
        let mapped = try #require(IPAddress("::ffff:192.0.2.1"))
        #expect(mapped.isIPv4Mapped)
        #expect(mapped.unmappedIPv4 == IPAddress("192.0.2.1"))
        #expect(IPAddress.ipv4Loopback.ipv4Mapped.description == "::ffff:127.0.0.1")
        #expect(IPAddress.ipv4Loopback.ipv4Mapped.isLoopback)
        #expect(!IPAddress.ipv6Loopback.isIPv4Mapped)
        #expect(!IPAddress.ipv4Loopback.isIPv4Mapped)
        #expect(try #require(IPAddress("::127.0.0.2")).isIPv4Mapped == false)
        #expect(IPAddress.ipv6Loopback.unmappedIPv4 == nil)
    }

    @Test("knows the wildcard and loopback addresses")
    func wellKnown() throws {
        #expect(IPAddress.ipv4Unspecified.isUnspecified)
        #expect(IPAddress.ipv6Unspecified.isUnspecified)
        #expect(IPAddress.ipv4Unspecified != IPAddress.ipv6Unspecified)
        #expect(try #require(IPAddress("127.8.9.10")).isLoopback)
        #expect(IPAddress.ipv6Loopback.isLoopback)
        #expect(try #require(IPAddress("128.0.0.1")).isLoopback == false)
        #expect(try #require(IPAddress("::2")).isLoopback == false)
        #expect(IPAddress.ipv4Loopback.ipv4Value == 0x7F00_0001)
        #expect(IPAddress.ipv6Loopback.ipv4Value == nil)
        #expect(IPAddress.ipv4Loopback.bytes == [127, 0, 0, 1])
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test("sorts IPv4 before IPv6, then by value")
    func ordering() throws {
        let sorted = try ["::1", "10.0.0.1", "::", "9.255.255.255", "::ffff:1.2.3.4"].map {
            try #require(IPAddress($0))
        }
        .sorted()
        #expect(sorted.map(\.description) == ["9.255.255.255", "10.0.0.1", "::", "::1", "::ffff:1.2.3.4"])
    }

    /// The formatting rules have corner cases (which zero run to compress, when to print dotted IPv4);
    /// glibc's own inet_ntop and inet_pton are the reference `ss` uses.
    @Test("agrees with glibc's inet_ntop and inet_pton on 20,000 addresses with zero runs")
    func agreesWithGlibc() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // Mostly zero groups, so that runs of every length and position come up; a few v4-mapped.
            var groups = (0..<8).map { _ in
                UInt16.random(in: 0...3, using: &generator) == 0
                    ? UInt16.random(in: 0...UInt16.max, using: &generator) : 0
            }
            if Int.random(in: 0..<10, using: &generator) == 0 { groups[0...4] = [0, 0, 0, 0, 0]; groups[5] = 0xFFFF }
            let bytes = groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            let address = try #require(IPAddress(bytes: bytes))
            let reference = try #require(Self.glibcText(bytes))
            #expect(address.description == reference)
            #expect(IPAddress(reference) == address)
            #expect(Self.glibcBytes(address.description) == bytes)
        }
    }

    private static func glibcText(_ bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let result = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return result == nil
            ? nil : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func glibcBytes(_ text: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET6, text, &bytes) == 1 ? bytes : nil
    }
}
