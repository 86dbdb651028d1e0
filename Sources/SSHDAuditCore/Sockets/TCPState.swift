/// The state of a TCP socket, numbered as the kernel numbers it (`include/net/tcp_states.h`).
///
/// `/proc/net/tcp` prints the number in hex in its `st` column: `0A` is ``listen``.
public enum TCPState: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `TCP_ESTABLISHED` (1): a connection in use.
    case established = 1
    /// `TCP_SYN_SENT` (2): an outgoing connection waiting for the peer's SYN-ACK.
    case synSent = 2
    /// `TCP_SYN_RECV` (3): an incoming connection between SYN-ACK and the final ACK.
    case synReceived = 3
    /// `TCP_FIN_WAIT1` (4): closed locally, waiting for the peer to acknowledge the FIN.
    case finWait1 = 4
    /// `TCP_FIN_WAIT2` (5): closed locally and acknowledged, waiting for the peer's FIN.
    case finWait2 = 5
    /// `TCP_TIME_WAIT` (6): closed both ways, kept briefly to absorb late segments.
    case timeWait = 6
    /// `TCP_CLOSE` (7): not connected; a bound socket that never listened shows this state.
    case close = 7
    /// `TCP_CLOSE_WAIT` (8): the peer closed, the local process has not yet.
    case closeWait = 8
    /// `TCP_LAST_ACK` (9): both closed, waiting for the last acknowledgement.
    case lastAck = 9
    /// `TCP_LISTEN` (10, `0A`): accepting connections.
    case listen = 10
    /// `TCP_CLOSING` (11): both sides closed at the same time.
    case closing = 11
    /// `TCP_NEW_SYN_RECV` (12): a request socket for a connection being set up on a listener.
    case newSynReceived = 12
    /// `TCP_BOUND_INACTIVE` (13, Linux 6.5 and later): bound and not listening or connected.
    case boundInactive = 13

    /// The name `ss` prints in its `State` column (`LISTEN`, `ESTAB`, `TIME-WAIT`, ...).
    public var description: String {
        switch self {
        case .established: "ESTAB"
        case .synSent: "SYN-SENT"
        case .synReceived: "SYN-RECV"
        case .finWait1: "FIN-WAIT-1"
        case .finWait2: "FIN-WAIT-2"
        case .timeWait: "TIME-WAIT"
        case .close: "UNCONN"
        case .closeWait: "CLOSE-WAIT"
        case .lastAck: "LAST-ACK"
        case .listen: "LISTEN"
        case .closing: "CLOSING"
        case .newSynReceived: "NEW-SYN-RECV"
        case .boundInactive: "BOUND-INACTIVE"
        }
    }
}
