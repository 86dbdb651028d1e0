import Glibc
import SSHDAuditCore
import SystemPackage

/// Asks the kernel for TCP sockets in chosen states over netlink `sock_diag`, as `ss` does.
///
/// The request names the states, so for listeners the kernel walks only its listening hash table and
/// never the established one: the cost is the same on a bastion host with tens of thousands of
/// connections as on an idle machine, where reading `/proc/net/tcp` means printing and parsing every
/// connection.
///
/// The answer describes the same sockets as `/proc/net/tcp` and `tcp6`, in the same network namespace
/// (that of the calling thread), and becomes the same ``TCPSocketEntry`` values, with one difference the
/// entries hide: for a listener netlink reports the backlog limit where `/proc` reports a transmit queue
/// of 0, and the entry keeps the 0 (see ``TCPSocketEntry/transmitQueue``).
///
/// The kernel structures (`linux/netlink.h`, `linux/sock_diag.h`, `linux/inet_diag.h`) are not in
/// Glibc's module, so the request and the answers are laid out here by byte offset; these layouts are
/// kernel ABI and have not changed since Linux 3.3.
public struct NetlinkSocketDiagReader: Sendable {
    /// A reader; it opens a netlink socket per call and closes it before returning.
    public init() {}

    /// The TCP sockets in any of `states`, IPv4 first, in the kernel's order.
    ///
    /// - Parameter states: The states to ask for; `[.listen]` for the listeners.
    /// - Throws: ``NetlinkError`` naming the call and errno when the socket cannot be opened (`EPERM`
    ///   or `EAFNOSUPPORT` under a seccomp policy), the kernel refuses the request (`ENOENT` without the
    ///   `tcp_diag` module), or the answer cannot be read (`EPROTO`).
    public func sockets(states: Set<TCPState> = [.listen]) throws(NetlinkError) -> [TCPSocketEntry] {
        guard !states.isEmpty else { return [] }
        let descriptor = socket(
            Layout.addressFamilyNetlink,
            Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            Layout.protocolSockDiag
        )
        guard descriptor >= 0 else {
            throw NetlinkError(call: "socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno: Errno(rawValue: Glibc.errno))
        }
        defer { close(descriptor) }
        let stateMask = states.reduce(UInt32(0)) { $0 | UInt32(1) << UInt32($1.rawValue) }
        // The kernel fills at most about 32 KiB per datagram of a dump; a larger buffer leaves room.
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var entries: [TCPSocketEntry] = []
        for (sequence, family) in [AddressFamily.ipv4, .ipv6].enumerated() {
            try Self.dump(
                descriptor: descriptor,
                family: family,
                stateMask: stateMask,
                sequence: UInt32(sequence + 1),
                buffer: &buffer,
                into: &entries
            )
        }
        return entries
    }

    // MARK: - Request and answer

    /// Sends one `SOCK_DIAG_BY_FAMILY` dump request and reads answers until `NLMSG_DONE`.
    private static func dump(
        descriptor: Int32,
        family: AddressFamily,
        stateMask: UInt32,
        sequence: UInt32,
        buffer: inout [UInt8],
        into entries: inout [TCPSocketEntry]
    ) throws(NetlinkError) {
        let request = Self.request(family: family, stateMask: stateMask, sequence: sequence)
        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else {
            let errno = sent < 0 ? Errno(rawValue: Glibc.errno) : .messageTooLong
            throw NetlinkError(call: "send(SOCK_DIAG_BY_FAMILY)", errno: errno)
        }
        let call = "SOCK_DIAG_BY_FAMILY(\(family == .ipv4 ? "AF_INET" : "AF_INET6"))"
        while true {
            // MSG_TRUNC makes recv return the datagram's real length, so one that did not fit is an error
            // rather than silently missing sockets.
            let received = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_TRUNC))
            }
            if received < 0 {
                if Glibc.errno == EINTR { continue }
                throw NetlinkError(call: "recv(NETLINK_SOCK_DIAG)", errno: Errno(rawValue: Glibc.errno))
            }
            if received > buffer.count {
                throw NetlinkError(call: "recv(NETLINK_SOCK_DIAG)", errno: .messageTooLong)
            }
            // withUnsafeBytes rethrows untyped errors; carry the typed one out in a Result.
            let outcome = buffer.withUnsafeBytes { bytes in
                Result { () throws(NetlinkError) in
                    try Self.parseAnswer(
                        UnsafeRawBufferPointer(rebasing: bytes[..<received]),
                        sequence: sequence,
                        call: call,
                        into: &entries
                    )
                }
            }
            if try outcome.get() { return }
            // A datagram that ends without NLMSG_DONE means more follow; an empty one would loop forever.
            if received == 0 { throw NetlinkError(call: "recv(NETLINK_SOCK_DIAG)", errno: .protocolError) }
        }
    }

    /// `nlmsghdr` followed by `inet_diag_req_v2` asking for every TCP socket of `family` in the states
    /// of `stateMask`.
    static func request(family: AddressFamily, stateMask: UInt32, sequence: UInt32) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Layout.requestLength)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(Layout.requestLength), toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: Layout.messageTypeSockDiagByFamily, toByteOffset: 4, as: UInt16.self)
            raw.storeBytes(of: Layout.flagsRequestDump, toByteOffset: 6, as: UInt16.self)
            raw.storeBytes(of: sequence, toByteOffset: 8, as: UInt32.self)
            // nlmsg_pid 0: the kernel fills in the port id it gave the socket.
            let body = Layout.headerLength
            raw[body] = UInt8(family == .ipv4 ? AF_INET : AF_INET6)  // sdiag_family
            raw[body + 1] = UInt8(IPPROTO_TCP)  // sdiag_protocol
            // idiag_ext 0 (no extensions), pad, then idiag_states; the socket id stays zero: no filter.
            raw.storeBytes(of: stateMask, toByteOffset: body + 4, as: UInt32.self)
        }
        return bytes
    }

    /// Reads the netlink messages in one datagram, appending a ``TCPSocketEntry`` per `inet_diag_msg`.
    ///
    /// - Returns: Whether the dump ended (`NLMSG_DONE`).
    /// - Throws: ``NetlinkError`` for an `NLMSG_ERROR` from the kernel (named `call`), or `EPROTO` for a
    ///   message that runs past the datagram or is too short for its type.
    static func parseAnswer(
        _ datagram: UnsafeRawBufferPointer,
        sequence: UInt32,
        call: String,
        into entries: inout [TCPSocketEntry]
    ) throws(NetlinkError) -> Bool {
        let malformed = NetlinkError(call: "\(call): malformed answer", errno: .protocolError)
        var offset = 0
        while offset + Layout.headerLength <= datagram.count {
            let length = Int(datagram.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = datagram.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let messageSequence = datagram.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            guard length >= Layout.headerLength, offset + length <= datagram.count else { throw malformed }
            let payload = UnsafeRawBufferPointer(
                rebasing: datagram[(offset + Layout.headerLength)..<(offset + length)]
            )
            // Messages are padded to 4 bytes; the last one of a datagram may not be.
            offset += (length + 3) & ~3
            // Answers to another request on this socket (none are sent, but the kernel's word is checked).
            guard messageSequence == sequence else { continue }
            switch type {
            case Layout.messageTypeDone:
                // Since Linux 4.x the payload of NLMSG_DONE is an int: 0, or minus the errno that cut the
                // dump short.
                if payload.count >= 4 {
                    let error = payload.loadUnaligned(as: Int32.self)
                    if error < 0 { throw NetlinkError(call: call, errno: Errno(rawValue: -error)) }
                }
                return true
            case Layout.messageTypeError:
                guard payload.count >= 4 else { throw malformed }
                let error = payload.loadUnaligned(as: Int32.self)
                // An error 0 is an acknowledgement, which a dump does not ask for; anything else is the
                // kernel refusing the request.
                if error == 0 { continue }
                throw NetlinkError(call: call, errno: Errno(rawValue: error < 0 ? -error : error))
            case Layout.messageTypeSockDiagByFamily:
                guard let entry = Self.entry(payload) else { throw malformed }
                entries.append(entry)
            default:
                continue
            }
        }
        return false
    }

    /// One `inet_diag_msg` as a ``TCPSocketEntry``; `nil` when it is too short, of an unknown family or
    /// in a state this program does not know.
    static func entry(_ message: UnsafeRawBufferPointer) -> TCPSocketEntry? {
        guard message.count >= Layout.messageLength else { return nil }
        let family: AddressFamily
        switch Int32(message[0]) {
        case AF_INET: family = .ipv4
        case AF_INET6: family = .ipv6
        default: return nil
        }
        guard let state = TCPState(rawValue: message[1]) else { return nil }
        func bigEndian16(_ offset: Int) -> UInt16 {
            UInt16(bigEndian: message.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        }
        func address(_ offset: Int) -> IPAddress {
            // idiag_src and idiag_dst are 16 bytes in network order; an IPv4 address fills the first 4.
            let high = UInt64(bigEndian: message.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if family == .ipv4 { return IPAddress(ipv4: UInt32(truncatingIfNeeded: high >> 32)) }
            let low = UInt64(bigEndian: message.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
            return IPAddress(ipv6High: high, low: low)
        }
        let receiveQueue = message.loadUnaligned(fromByteOffset: 56, as: UInt32.self)
        let transmitQueue = message.loadUnaligned(fromByteOffset: 60, as: UInt32.self)
        return TCPSocketEntry(
            family: family,
            local: TCPEndpoint(address: address(8), port: bigEndian16(4)),
            remote: TCPEndpoint(address: address(24), port: bigEndian16(6)),
            state: state,
            // For a listener idiag_wqueue is the backlog limit, not a queue; /proc prints 0 there.
            transmitQueue: state == .listen ? 0 : transmitQueue,
            receiveQueue: receiveQueue,
            uid: message.loadUnaligned(fromByteOffset: 64, as: UInt32.self),
            inode: UInt64(message.loadUnaligned(fromByteOffset: 68, as: UInt32.self))
        )
    }

    /// Constants and sizes from the kernel's uapi headers.
    enum Layout {
        /// `AF_NETLINK`.
        static let addressFamilyNetlink: Int32 = 16
        /// `NETLINK_SOCK_DIAG`.
        static let protocolSockDiag: Int32 = 4
        /// `SOCK_DIAG_BY_FAMILY`.
        static let messageTypeSockDiagByFamily: UInt16 = 20
        /// `NLMSG_ERROR`.
        static let messageTypeError: UInt16 = 2
        /// `NLMSG_DONE`.
        static let messageTypeDone: UInt16 = 3
        /// `NLM_F_REQUEST | NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`).
        static let flagsRequestDump: UInt16 = 0x1 | 0x300
        /// `sizeof(struct nlmsghdr)`.
        static let headerLength = 16
        /// `sizeof(struct nlmsghdr) + sizeof(struct inet_diag_req_v2)`.
        static let requestLength = 16 + 56
        /// `sizeof(struct inet_diag_msg)`: family, state, timer, retrans, a 48-byte `inet_diag_sockid`
        /// (sport, dport, src[16], dst[16], if, cookie[2]) at 4, then expires, rqueue, wqueue, uid and
        /// inode as 32-bit words at 52, 56, 60, 64 and 68.
        static let messageLength = 72
    }
}
