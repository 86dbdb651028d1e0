/// One row of `/proc/net/tcp` or `/proc/net/tcp6`: a TCP socket as the kernel reports it.
public struct TCPSocketEntry: Sendable, Hashable {
    /// The family of the file the row came from: `.ipv6` for `/proc/net/tcp6`, even when its
    /// addresses are v4-mapped.
    public var family: AddressFamily
    /// The local address and port; for a listener, where it listens.
    public var local: TCPEndpoint
    /// The peer's address and port; the wildcard address and port 0 for a listener.
    public var remote: TCPEndpoint
    /// The TCP state.
    public var state: TCPState
    /// `tx_queue`: bytes sent and not yet acknowledged by the peer. Always 0 for a listener.
    public var transmitQueue: UInt32
    /// `rx_queue`: bytes received and not yet read by the process; for a listener, the connections
    /// waiting in the accept queue.
    public var receiveQueue: UInt32
    /// The owning user's uid, as seen from the reader's user namespace.
    public var uid: UInt32
    /// The socket's inode number; `/proc/PID/fd/N` links to `socket:[inode]`. 0 for sockets no file
    /// refers to any more, such as those in TIME-WAIT.
    public var inode: UInt64

    /// An entry from its fields, as the parser builds it; tests and fakes build their own.
    public init(
        family: AddressFamily,
        local: TCPEndpoint,
        remote: TCPEndpoint,
        state: TCPState,
        transmitQueue: UInt32,
        receiveQueue: UInt32,
        uid: UInt32,
        inode: UInt64
    ) {
        self.family = family
        self.local = local
        self.remote = remote
        self.state = state
        self.transmitQueue = transmitQueue
        self.receiveQueue = receiveQueue
        self.uid = uid
        self.inode = inode
    }

    /// Whether the socket accepts connections (state LISTEN).
    public var isListening: Bool { self.state == .listen }
}
