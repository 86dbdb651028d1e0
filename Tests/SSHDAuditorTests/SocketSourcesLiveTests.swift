import Foundation
import SSHDAuditCore
import SystemPackage
import TestSupport
import Testing

@testable import SSHDAuditor

/// Netlink `sock_diag` and the `/proc` tables on the live machine: with a real sshd and a few hundred
/// loopback listeners and connections of the test's own, both must return the same listeners.
@Suite("Socket sources: netlink and /proc agree on the live machine")
struct SocketSourcesLiveTests {
    /// The fields both sources report for a socket, as a set element.
    struct Key: Hashable, CustomStringConvertible {
        var family: AddressFamily
        var local: TCPEndpoint
        var uid: UInt32
        var inode: UInt64

        init(_ entry: TCPSocketEntry) {
            self.family = entry.family
            self.local = entry.local
            self.uid = entry.uid
            self.inode = entry.inode
        }

        var description: String { "\(self.local) uid \(self.uid) inode \(self.inode)" }
    }

    @Test("netlink and /proc list the same listeners: sshd's, 120 of the test's, and everyone else's")
    func sameSet() throws {
        guard
            TestEnvironment.require(TestEnvironment.isRoot, "starting sshd needs root"),
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: LoopbackSSHD.executable),
                "no OpenSSH server at \(LoopbackSSHD.executable)"
            )
        else { return }
        let sshd = try LoopbackSSHD()
        defer { sshd.stop() }
        // 120 listeners with 2 connections waiting in each accept queue, and 200 accepted connections:
        // 1,000 sockets, most of them not listening, which only /proc lists.
        let sockets = try LoopbackSockets(
            listenerCount: 120,
            connectionCount: 200,
            pending: 2,
            ipv6: LoopbackSockets.hasIPv6Loopback
        )
        defer { sockets.close() }

        let netlinkReader = ListeningSocketReader(source: .netlink)
        let procReader = ListeningSocketReader(source: .proc)
        // Other processes on this machine open and close listeners meanwhile, so read netlink before and
        // after /proc: a listener netlink saw both times lived throughout and must be in /proc, and
        // /proc may list nothing netlink never saw. A socket that lives only between two reads can
        // still defeat that, so a disagreement is retried a few times before it counts.
        var attempt = 0
        while true {
            attempt += 1
            let before = try netlinkReader.listeners()
            let proc = try procReader.listeners()
            let after = try netlinkReader.listeners()
            #expect(before.source == .netlink && after.source == .netlink && proc.source == .proc)
            #expect(proc.diagnostics.isEmpty, "\(proc.diagnostics)")
            #expect(before.netlinkFailure == nil)
            #expect(proc.entries.allSatisfy { $0.isListening } && before.entries.allSatisfy { $0.isListening })

            // The test's own listeners are the same entries in both, accept queues included.
            let ours = Set(sockets.listeners.map { "\($0.family == AF_INET6 ? "[::1]" : "127.0.0.1"):\($0.port)" })
            let oursByNetlink = before.entries.filter { ours.contains($0.local.description) }
            let oursByProc = proc.entries.filter { ours.contains($0.local.description) }
            #expect(oursByNetlink.count == sockets.listeners.count)
            #expect(Set(oursByNetlink) == Set(oursByProc))
            #expect(oursByNetlink.allSatisfy { $0.receiveQueue == 2 && $0.transmitQueue == 0 })
            for endpoint in sshd.endpoints {
                #expect(before.entries.filter { $0.local.description == endpoint }.count == 1)
                #expect(proc.entries.filter { $0.local.description == endpoint }.count == 1)
            }

            let throughout = Set(before.entries.map(Key.init)).intersection(after.entries.map(Key.init))
            let ever = Set(before.entries.map(Key.init)).union(after.entries.map(Key.init))
            let byProc = Set(proc.entries.map(Key.init))
            let missingFromProc = throughout.subtracting(byProc)
            let unknownToNetlink = byProc.subtracting(ever)
            if missingFromProc.isEmpty && unknownToNetlink.isEmpty { break }
            if attempt == 3 {
                #expect(missingFromProc.isEmpty, "seen by netlink throughout, missing from /proc")
                #expect(unknownToNetlink.isEmpty, "listed by /proc, never by netlink")
                break
            }
        }
    }

    @Test("netlink asked for ESTABLISHED returns the test's connections, both ends, as /proc lists them")
    func established() throws {
        let sockets = try LoopbackSockets(listenerCount: 2, connectionCount: 6, pending: 0, ipv6: false)
        defer { sockets.close() }
        let listeners = Set(sockets.listeners.map { TCPEndpoint(address: IPAddress(ipv4: 0x7F00_0001), port: $0.port) })
        func ours(_ entries: [TCPSocketEntry]) -> Set<TCPSocketEntry> {
            Set(entries.filter { listeners.contains($0.local) || listeners.contains($0.remote) })
        }
        let byNetlink = ours(try NetlinkSocketDiagReader().sockets(states: [.established]))
        let byProc = ours(try ListeningSocketReader(source: .proc).sockets(onlyState: .established).value)
        // Six connections, each seen from the client and from the accepted server end.
        #expect(byNetlink.count == 12)
        #expect(byNetlink == byProc)
        #expect(byNetlink.allSatisfy { $0.state == .established && $0.family == .ipv4 && $0.inode != 0 })
        #expect(try NetlinkSocketDiagReader().sockets(states: []).isEmpty)
    }

    @Test("auto uses netlink on the live /proc and the tables under any other proc root")
    func autoChoosesBySource() throws {
        #expect(try ListeningSocketReader().listeners().source == .netlink)
        #expect(try ListeningSocketReader(procRoot: "/proc/").listeners().source == .netlink)
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        let fixture = try ListeningSocketReader(procRoot: tree.path).listeners()
        #expect(fixture.source == .proc)
        #expect(Set(fixture.entries.map(\.local.description)) == Self.fixtureListeners)
    }

    @Test("auto falls back to /proc when netlink is refused, and says why; netlink alone throws")
    func fallback() throws {
        let tree = try ListeningSocketReaderTests.makeTree()
        defer { tree.remove() }
        let refused = NetlinkError(call: "socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno: .permissionDenied)
        let refuse = { () throws(NetlinkError) -> [TCPSocketEntry] in throw refused }

        // The reader does not check that a netlink source goes with the live /proc (the CLI does).
        let netlinkOnly = ListeningSocketReader(procRoot: tree.path, source: .netlink)
        #expect(throws: SocketReadError.netlink(refused)) { try netlinkOnly.listeners(netlink: refuse) }

        let sockets = try LoopbackSockets(listenerCount: 1, connectionCount: 0, pending: 1, ipv6: false)
        defer { sockets.close() }
        let port = try #require(sockets.listeners.first?.port)
        let fellBack = try ListeningSocketReader(source: .auto).listeners(netlink: refuse)
        #expect(fellBack.source == .proc)
        #expect(fellBack.netlinkFailure == refused)
        #expect(fellBack.entries.allSatisfy { $0.isListening })
        let ours = fellBack.entries.filter { $0.local.description == "127.0.0.1:\(port)" }
        #expect(ours.map(\.receiveQueue) == [1])
    }

    static let fixtureListeners: Set = [
        "0.0.0.0:22", "127.0.0.1:631", "127.0.0.1:8080", "[::ffff:127.0.0.1]:8080", "[::]:22",
    ]
}
