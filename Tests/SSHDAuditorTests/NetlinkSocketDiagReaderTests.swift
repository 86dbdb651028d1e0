import SSHDAuditCore
import SystemPackage
import Testing

@testable import SSHDAuditor

/// The request the reader sends and its reading of the kernel's answers, on bytes laid out as
/// `linux/inet_diag.h` lays them out; the live tests compare the whole path with `/proc`.
@Suite("NetlinkSocketDiagReader on constructed netlink messages")
struct NetlinkSocketDiagReaderTests {
    @Test("asks for TCP sockets of one family in the LISTEN state, as a dump request")
    func request() {
        let bytes = NetlinkSocketDiagReader.request(family: .ipv6, stateMask: 1 << 10, sequence: 7)
        #expect(bytes.count == 72)
        #expect(Self.word32(bytes, 0) == 72)  // nlmsg_len
        #expect(Self.word16(bytes, 4) == 20)  // SOCK_DIAG_BY_FAMILY
        #expect(Self.word16(bytes, 6) == 0x301)  // NLM_F_REQUEST | NLM_F_DUMP
        #expect(Self.word32(bytes, 8) == 7)
        #expect(bytes[16] == 10)  // AF_INET6
        #expect(bytes[17] == 6)  // IPPROTO_TCP
        #expect(Self.word32(bytes, 20) == 0x400)  // idiag_states = 1 << TCP_LISTEN
        #expect(bytes[24...].allSatisfy { $0 == 0 })  // no socket id filter
    }

    @Test("reads IPv4 and IPv6 listeners: addresses, ports, queues, uid and inode, until NLMSG_DONE")
    func answer() throws {
        var datagram = Self.message(
            family: 2,
            state: 10,
            source: [127, 0, 0, 1],
            sourcePort: 2222,
            receiveQueue: 3,
            transmitQueue: 128,
            uid: 1000,
            inode: 4_000_000_001
        )
        datagram += Self.message(
            family: 10,
            state: 10,
            source: [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [1],
            sourcePort: 22,
            receiveQueue: 0,
            transmitQueue: 4096,
            uid: 0,
            inode: 12345
        )
        datagram += Self.done(sequence: 1)
        var entries: [TCPSocketEntry] = []
        let finished = try Self.parse(datagram, into: &entries)
        #expect(finished)
        #expect(
            entries == [
                TCPSocketEntry(
                    family: .ipv4,
                    local: TCPEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: 2222),
                    remote: TCPEndpoint(address: IPAddress(ipv4: 0), port: 0),
                    state: .listen,
                    transmitQueue: 0,
                    receiveQueue: 3,
                    uid: 1000,
                    inode: 4_000_000_001
                ),
                TCPSocketEntry(
                    family: .ipv6,
                    local: TCPEndpoint(address: IPAddress(ipv6High: 0xFE80_0000_0000_0000, low: 1), port: 22),
                    remote: TCPEndpoint(address: IPAddress(ipv6High: 0, low: 0), port: 0),
                    state: .listen,
                    transmitQueue: 0,
                    receiveQueue: 0,
                    uid: 0,
                    inode: 12345
                ),
            ]
        )
    }

    @Test("keeps the transmit queue of a socket that is not a listener")
    func connectedQueues() throws {
        var entries: [TCPSocketEntry] = []
        // TCP_ESTABLISHED (1).
        let datagram = Self.message(
            state: 1,
            source: [10, 0, 0, 1],
            sourcePort: 22,
            receiveQueue: 5,
            transmitQueue: 700,
            inode: 9
        )
        #expect(try Self.parse(datagram, into: &entries) == false)
        #expect(entries.map(\.transmitQueue) == [700])
        #expect(entries.map(\.state) == [.established])
    }

    @Test("an NLMSG_ERROR from the kernel names the request and carries its errno")
    func kernelError() throws {
        var entries: [TCPSocketEntry] = []
        // ENOENT (2): no tcp_diag handler for the protocol.
        let datagram = Self.header(length: 20, type: 2, sequence: 1) + Self.bytes(of: Int32(-2))
        let error = #expect(throws: NetlinkError.self) { try Self.parse(datagram, into: &entries) }
        #expect(error == NetlinkError(call: "SOCK_DIAG_BY_FAMILY(AF_INET)", errno: .noSuchFileOrDirectory))
        #expect(error?.description == "SOCK_DIAG_BY_FAMILY(AF_INET) failed: No such file or directory")
    }

    @Test("a dump cut short reports the errno in NLMSG_DONE")
    func doneWithError() throws {
        var entries: [TCPSocketEntry] = []
        let datagram = Self.header(length: 20, type: 3, sequence: 1) + Self.bytes(of: Int32(-4))
        let error = #expect(throws: NetlinkError.self) { try Self.parse(datagram, into: &entries) }
        #expect(error?.errno == .interrupted)
    }

    @Test(
        "a message longer than the datagram or too short for inet_diag_msg is EPROTO, not a crash",
        arguments: [
            header(length: 200, type: 20, sequence: 1) + [UInt8](repeating: 0, count: 16),
            header(length: 40, type: 20, sequence: 1) + [UInt8](repeating: 0, count: 24),
            header(length: 8, type: 20, sequence: 1),
        ]
    )
    func malformed(datagram: [UInt8]) throws {
        var entries: [TCPSocketEntry] = []
        let error = #expect(throws: NetlinkError.self) { try Self.parse(datagram, into: &entries) }
        #expect(error?.errno == .protocolError)
        #expect(entries.isEmpty)
    }

    @Test("skips answers to another sequence number and message types it does not know")
    func skips() throws {
        var entries: [TCPSocketEntry] = []
        let other = Self.message(source: [127, 0, 0, 1], sourcePort: 1, inode: 1, sequence: 99)
        let noop = Self.header(length: 16, type: 1, sequence: 1)  // NLMSG_NOOP
        #expect(try Self.parse(other + noop + Self.done(sequence: 1), into: &entries))
        #expect(entries.isEmpty)
    }

    // MARK: - Building messages

    static func parse(_ datagram: [UInt8], into entries: inout [TCPSocketEntry]) throws(NetlinkError) -> Bool {
        let outcome = datagram.withUnsafeBytes { bytes in
            Result { () throws(NetlinkError) in
                try NetlinkSocketDiagReader.parseAnswer(
                    bytes,
                    sequence: 1,
                    call: "SOCK_DIAG_BY_FAMILY(AF_INET)",
                    into: &entries
                )
            }
        }
        return try outcome.get()
    }

    static func header(length: Int, type: UInt16, sequence: UInt32) -> [UInt8] {
        bytes(of: UInt32(length)) + bytes(of: type) + bytes(of: UInt16(0x2)) + bytes(of: sequence)
            + bytes(of: UInt32(4242))
    }

    static func done(sequence: UInt32) -> [UInt8] {
        header(length: 20, type: 3, sequence: sequence) + bytes(of: Int32(0))
    }

    /// `nlmsghdr` + `inet_diag_msg` with the remote end all zero, as for a listener; by default an IPv4
    /// (`AF_INET`, 2) listener (`TCP_LISTEN`, 10) with empty queues, owned by root, answering request 1.
    static func message(
        family: UInt8 = 2,
        state: UInt8 = 10,
        source: [UInt8],
        sourcePort: UInt16,
        receiveQueue: UInt32 = 0,
        transmitQueue: UInt32 = 0,
        uid: UInt32 = 0,
        inode: UInt32,
        sequence: UInt32 = 1
    ) -> [UInt8] {
        var body: [UInt8] = [family, state, 0, 0]
        body += bytes(of: sourcePort.bigEndian) + bytes(of: UInt16(0))
        body += source + [UInt8](repeating: 0, count: 16 - source.count)  // idiag_src
        body += [UInt8](repeating: 0, count: 16)  // idiag_dst
        body += bytes(of: UInt32(1)) + [UInt8](repeating: 0xAB, count: 8)  // idiag_if, idiag_cookie
        body += bytes(of: UInt32(0)) + bytes(of: receiveQueue) + bytes(of: transmitQueue)
        body += bytes(of: uid) + bytes(of: inode)
        return header(length: 16 + body.count, type: 20, sequence: sequence) + body
    }

    static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    static func word16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
    }

    static func word32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
    }
}
