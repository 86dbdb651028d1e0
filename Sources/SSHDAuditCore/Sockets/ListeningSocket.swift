/// A TCP socket in state LISTEN, with the processes that hold it.
///
/// Usually one process owns a listener, but not always: a socket inherited across `fork(2)` or passed
/// by systemd (`ssh.socket`) is held by several processes at once, and a socket whose owners could
/// not be inspected (another user's processes when not running as root, or another PID namespace) has
/// none listed.
public struct ListeningSocket: Sendable, Hashable {
    /// The kernel's row for the socket.
    public var entry: TCPSocketEntry
    /// Every process file descriptor that refers to the socket, sorted by pid.
    public var owners: [SocketOwner]

    /// A listening socket and its owners, in any order: they are stored sorted.
    public init(entry: TCPSocketEntry, owners: [SocketOwner]) {
        self.entry = entry
        self.owners = owners.sorted()
    }

    /// Where the socket listens.
    public var endpoint: TCPEndpoint { self.entry.local }

    /// The distinct process ids among the owners, ascending.
    public var pids: [Int32] {
        var seen: Set<Int32> = []
        return self.owners.compactMap { seen.insert($0.pid).inserted ? $0.pid : nil }
    }

    /// The command of the first owner that has one, e.g. `sshd`; `nil` when no owner is known.
    public var command: String? {
        self.owners.lazy.compactMap(\.command).first
    }
}
