import Foundation
import SSHDAuditCore
import Testing

@Suite("ProcNetTCPParser")
struct ProcNetTCPParserTests {
    /// The fixtures were captured on x86-64 (Linux 6.x) with a few rows added by hand; see the row comments
    /// in the tests.
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/proc/net/\(name)")
        return Array(try Data(contentsOf: url))
    }

    static func parse(_ name: String) throws -> Parsed<[TCPSocketEntry]> {
        ProcNetTCPParser.parse(
            try fixture(name),
            family: name == "tcp" ? .ipv4 : .ipv6,
            file: "proc/net/\(name)",
            byteOrder: .littleEndian
        )
    }

    // MARK: - Fixtures

    @Test("reads every good IPv4 row, in file order")
    func ipv4Rows() throws {
        let parsed = try Self.parse("tcp")
        #expect(
            parsed.value.map { "\($0.local) \($0.remote) \($0.state)" } == [
                "127.0.0.1:631 0.0.0.0:0 LISTEN",
                "0.0.0.0:22 0.0.0.0:0 LISTEN",
                "127.0.0.1:47032 127.0.0.1:8080 ESTAB",
                "127.0.0.1:22 127.0.0.1:36204 ESTAB",
                "127.0.0.1:36204 127.0.0.1:22 ESTAB",
                "127.0.0.1:631 127.0.0.1:38022 ESTAB",
                "127.0.0.1:38022 127.0.0.1:631 ESTAB",
                "10.0.0.2:22 192.168.1.5:54321 ESTAB",
            ]
        )
        #expect(parsed.value.allSatisfy { $0.family == .ipv4 })
    }

    @Test("reads a LISTEN socket on 0.0.0.0:22 with its uid, inode and queues")
    func listenerOnAllAddresses() throws {
        let entry = try #require(try Self.parse("tcp").value.first { $0.local.port == 22 && $0.isListening })
        #expect(entry.local.address == .ipv4Unspecified)
        #expect(entry.remote == TCPEndpoint(address: .ipv4Unspecified, port: 0))
        #expect(entry.uid == 0)
        #expect(entry.inode == 104_061)
        #expect(entry.receiveQueue == 0)
        #expect(entry.transmitQueue == 0)
    }

    @Test("reads the accept queue of a listener, data queues, uids and inode 0")
    func queuesAndOwners() throws {
        let entries = try Self.parse("tcp").value
        // 127.0.0.1:631 has one connection waiting for accept(2).
        #expect(entries[0].receiveQueue == 1)
        // 3 bytes received on 127.0.0.1:22 and not read yet.
        #expect(entries[3].receiveQueue == 3)
        // The client end of a connection made by uid 1000.
        #expect(entries[2].uid == 1000)
        // A connection still in the accept queue has no file, hence no inode.
        #expect(entries[5].inode == 0)
        // 0x24 bytes sent from 10.0.0.2:22 and not acknowledged.
        #expect(entries[7].transmitQueue == 36)
    }

    @Test("reads IPv6 rows: wildcard, loopback, v4-mapped, documentation prefix and TIME-WAIT")
    func ipv6Rows() throws {
        let parsed = try Self.parse("tcp6")
        #expect(
            parsed.value.map { "\($0.local) \($0.remote) \($0.state) \($0.inode)" } == [
                "[::ffff:127.0.0.1]:8080 [::]:0 LISTEN 104064",
                "[::]:22 [::]:0 LISTEN 104062",
                "[::1]:25 [::]:0 LISTEN 104065",
                "[::1]:36158 [::1]:25 TIME-WAIT 0",
                "[::ffff:127.0.0.1]:8080 [::ffff:127.0.0.1]:47032 ESTAB 104069",
                "[2001:db8::10]:22 [2001:db8:0:1::5]:50000 ESTAB 104073",
            ]
        )
        #expect(parsed.value.allSatisfy { $0.family == .ipv6 })
        #expect(parsed.value[0].local.address.isIPv4Mapped)
        #expect(parsed.value[0].local.address.unmappedIPv4 == .ipv4Loopback)
        #expect(!parsed.value[1].local.address.isIPv4Mapped)
    }

    @Test(
        "reports truncated and malformed rows with their line numbers and keeps the rest",
        arguments: [
            (
                "tcp",
                [
                    "proc/net/tcp:10: error: truncated row: found 6 of the 10 fields from sl to inode; row skipped",
                    "proc/net/tcp:11: error: malformed local address \"0100007G:1F92\": expected 8 hex digits, ':' and a 4-digit hex port; row skipped",
                ]
            ),
            (
                "tcp6",
                [
                    "proc/net/tcp6:8: error: truncated row: found 2 of the 10 fields from sl to inode; row skipped",
                    "proc/net/tcp6:9: error: malformed queues \"00000000:0000000X\": expected tx_queue:rx_queue, 8 hex digits each; row skipped",
                ]
            ),
        ]
    )
    func diagnostics(name: String, expected: [String]) throws {
        let parsed = try Self.parse(name)
        #expect(parsed.diagnostics.map(\.description) == expected)
        #expect(parsed.hasErrors)
    }

    // MARK: - Byte order and format details

    @Test("undoes the word order of the kernel that wrote the table")
    func byteOrder() {
        let row = Array("   0: 7F000001:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n".utf8)
        let bigEndian = ProcNetTCPParser.parse(row, family: .ipv4, byteOrder: .bigEndian).value
        let littleEndian = ProcNetTCPParser.parse(row, family: .ipv4, byteOrder: .littleEndian).value
        #expect(bigEndian.map(\.local.description) == ["127.0.0.1:22"])
        #expect(littleEndian.map(\.local.description) == ["1.0.0.127:22"])

        let row6 = Array(
            "0: 20010DB8000000000000000000000001:0016 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 7\n".utf8
        )
        let parsed6 = ProcNetTCPParser.parse(row6, family: .ipv6, byteOrder: .bigEndian)
        #expect(parsed6.value.map(\.local.description) == ["[2001:db8::1]:22"])
    }

    @Test("uses the byte order of the machine it runs on by default")
    func hostByteOrder() {
        let firstByteOfOne = withUnsafeBytes(of: UInt32(1)) { $0[0] }
        #expect(ProcNetTCPParser.ByteOrder.host == (firstByteOfOne == 1 ? .littleEndian : .bigEndian))
        let fixtureRow = Array("0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7\n".utf8)
        let parsed = ProcNetTCPParser.parse(fixtureRow, family: .ipv4)
        #expect(parsed.value.first?.local.address.description == (firstByteOfOne == 1 ? "127.0.0.1" : "1.0.0.127"))
    }

    @Test(
        "turns every kind of bad row into one diagnostic on its line, never a crash",
        arguments: [
            ("0: 0100007F:0016 00000000:0000 ZZ 0:0 0:0 0 0 0 7", "malformed state \"ZZ\""),
            ("0: 0100007F:0016 00000000:0000 00A 0:0 0:0 0 0 0 7", "malformed state \"00A\""),
            ("0: 0100007F:0016 00000000:0000 0E 0:0 0:0 0 0 0 7", "unknown TCP state 0x0E; row skipped"),
            ("0: 0100007F:0016 00000000:0000 00 0:0 0:0 0 0 0 7", "unknown TCP state 0x00; row skipped"),
            ("0: 0100007F:016 00000000:0000 0A 0:0 0:0 0 0 0 7", "malformed local address \"0100007F:016\""),
            ("0: 0100007F00016 00000000:0000 0A 0:0 0:0 0 0 0 7", "malformed local address \"0100007F00016\""),
            ("0: 0100007F:0016 0000000:00000 0A 0:0 0:0 0 0 0 7", "malformed remote address \"0000000:00000\""),
            ("0: 0100007F:0016 00000000:0000 0A 00 0:0 0 0 0 7", "malformed queues \"00\""),
            ("0: 0100007F:0016 00000000:0000 0A 000000000:0 0:0 0 0 0 7", "malformed queues \"000000000:0\""),
            ("0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 -1 0 7", "malformed uid \"-1\""),
            ("0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 4294967296 0 7", "malformed uid \"4294967296\""),
            ("0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7x", "malformed inode \"7x\""),
            ("0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 99999999999999999999", "malformed inode"),
            ("0: 0100007F:0016", "truncated row: found 2 of the 10 fields"),
            ("0: \u{FF}\u{FE}", "truncated row"),
        ]
    )
    func badRow(row: String, message: String) throws {
        let header =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        let good = "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1\n"
        let parsed = ProcNetTCPParser.parse(Array((header + row + "\n" + good).utf8), family: .ipv4)
        let diagnostic = try #require(parsed.diagnostics.first)
        #expect(parsed.diagnostics.count == 1)
        #expect(diagnostic.line == 2)
        #expect(diagnostic.message.contains(message))
        #expect(parsed.value.map(\.inode) == [5])
    }

    @Test("an unknown state is a warning: a newer kernel, not a broken file")
    func unknownStateIsWarning() {
        let parsed = ProcNetTCPParser.parse(
            Array("0: 0100007F:0016 00000000:0000 0E 0:0 0:0 0 0 0 7".utf8),
            family: .ipv4
        )
        #expect(parsed.diagnostics.map(\.severity) == [.warning])
        #expect(!parsed.hasErrors)
    }

    @Test(
        "accepts empty tables, a missing header, no final newline, blank lines and tabs",
        arguments: [
            ("", 0),
            ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n", 0),
            ("0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7", 1),
            ("\n\n0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7\n\n", 1),
            (
                "0:\t0100007F:0016\t00000000:0000\t0A 0:0 0:0 0 0 0 7\r\n1: 0100007F:0017 00000000:0000 0A 0:0 0:0 0 0 0 8\n",
                2
            ),
        ]
    )
    func lenientLayout(text: String, count: Int) {
        let parsed = ProcNetTCPParser.parse(Array(text.utf8), family: .ipv4)
        #expect(parsed.value.count == count)
        #expect(parsed.diagnostics.isEmpty)
    }

    @Test("a header-like line after the first line is a bad row, not a header")
    func headerOnlyFirst() {
        let text = "0: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7\n  sl  local_address rem_address\n"
        let parsed = ProcNetTCPParser.parse(Array(text.utf8), family: .ipv4)
        #expect(parsed.value.count == 1)
        #expect(parsed.diagnostics.map(\.line) == [2])
    }

    // MARK: - Throughput

    @Test("parses 25,000 rows of each family quickly and exactly")
    func throughput() {
        let rowCount = 25_000
        var tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        var tcp6 =
            "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        for index in 0..<rowCount {
            let port = String(UInt16(truncatingIfNeeded: index), radix: 16, uppercase: true)
            let paddedPort = String(repeating: "0", count: 4 - port.count) + port
            tcp +=
                "\(index): 0100007F:\(paddedPort) 0100007F:0016 01 00000000:00000000 00:00000000 00000000  1000        0 \(index + 1) 1 0000000000000000 20 4 30 10 -1\n"
            tcp6 +=
                "\(index): 00000000000000000000000001000000:\(paddedPort) 00000000000000000000000001000000:0016 01 00000000:00000000 00:00000000 00000000  1000        0 \(index + 1) 1 0000000000000000 20 4 30 10 -1\n"
        }
        let tcpBytes = Array(tcp.utf8)
        let tcp6Bytes = Array(tcp6.utf8)
        let clock = ContinuousClock()
        var parsed4 = Parsed<[TCPSocketEntry]>(value: [])
        var parsed6 = Parsed<[TCPSocketEntry]>(value: [])
        let elapsed = clock.measure {
            parsed4 = ProcNetTCPParser.parse(tcpBytes, family: .ipv4, byteOrder: .littleEndian)
            parsed6 = ProcNetTCPParser.parse(tcp6Bytes, family: .ipv6, byteOrder: .littleEndian)
        }
        print("ProcNetTCPParser: \(2 * rowCount) rows (\(tcpBytes.count + tcp6Bytes.count) bytes) in \(elapsed)")
        #expect(parsed4.value.count == rowCount)
        #expect(parsed6.value.count == rowCount)
        #expect(parsed4.diagnostics.isEmpty && parsed6.diagnostics.isEmpty)
        #expect(parsed4.value.last?.inode == UInt64(rowCount))
        #expect(parsed6.value.last?.local.address == .ipv6Loopback)
        // Generous for a debug build on a loaded machine (about 1 s there); an optimised build parses
        // 100,000 rows in about 60 ms. The bound is there to catch accidental quadratic work.
        #expect(elapsed < .seconds(10))
    }
}
