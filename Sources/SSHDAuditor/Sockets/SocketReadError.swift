/// Why ``ListeningSocketReader`` could not list the sockets: the source it was told to use, or the last
/// one it tried, failed.
public enum SocketReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A socket table under the proc root could not be read.
    case proc(ProcAccessError)
    /// Netlink `sock_diag` failed and no fallback was allowed (`--source netlink`).
    case netlink(NetlinkError)

    /// The underlying error's description.
    public var description: String {
        switch self {
        case .proc(let error): error.description
        case .netlink(let error): error.description
        }
    }
}
