import SSHDAuditCore
import Testing

@Suite("ListeningSocket")
struct ListeningSocketTests {
    static let entry = TCPSocketEntry(
        family: .ipv4,
        local: TCPEndpoint(address: .ipv4Unspecified, port: 22),
        remote: TCPEndpoint(address: .ipv4Unspecified, port: 0),
        state: .listen,
        transmitQueue: 0,
        receiveQueue: 0,
        uid: 0,
        inode: 4242
    )

    @Test("lists owners by pid, each pid once, and the first known command")
    func owners() {
        let socket = ListeningSocket(
            entry: Self.entry,
            owners: [
                SocketOwner(pid: 900, fileDescriptor: 3, command: nil),
                SocketOwner(pid: 1, fileDescriptor: 47, command: "systemd"),
                SocketOwner(pid: 900, fileDescriptor: 0, command: nil),
            ]
        )
        #expect(socket.owners.map(\.pid) == [1, 900, 900])
        #expect(socket.owners.map(\.fileDescriptor) == [47, 0, 3])
        #expect(socket.pids == [1, 900])
        #expect(socket.command == "systemd")
        #expect(socket.endpoint.description == "0.0.0.0:22")
    }

    @Test("has no pids and no command when no owner was found")
    func noOwners() {
        let socket = ListeningSocket(entry: Self.entry, owners: [])
        #expect(socket.pids.isEmpty)
        #expect(socket.command == nil)
    }
}
