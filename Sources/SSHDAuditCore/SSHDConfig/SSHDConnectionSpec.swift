/// The connection `Match` blocks are evaluated against: what `sshd -T -C user=,host=,addr=,laddr=,lport=`
/// takes. Unset fields make the criteria that need them not match (`lport` is the exception: sshd refuses
/// a `Match LocalPort` without it).
public struct SSHDConnectionSpec: Sendable, Hashable {
    /// The user name (`user=`).
    public var user: String?
    /// The client's host name (`host=`).
    public var host: String?
    /// The client's address (`addr=`).
    public var address: String?
    /// The server's local address (`laddr=`).
    public var localAddress: String?
    /// The server's local port (`lport=`).
    public var localPort: Int?
    /// The routing domain (`rdomain=`).
    public var routingDomain: String?

    public init(
        user: String? = nil,
        host: String? = nil,
        address: String? = nil,
        localAddress: String? = nil,
        localPort: Int? = nil,
        routingDomain: String? = nil
    ) {
        self.user = user
        self.host = host
        self.address = address
        self.localAddress = localAddress
        self.localPort = localPort
        self.routingDomain = routingDomain
    }

    /// Why a `-C` specification is invalid; the message is sshd's.
    public struct InvalidSpec: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Parses `user=alice,addr=192.0.2.1,lport=22` like sshd's `parse_server_match_testspec`: comma
    /// separated, keys case-sensitive, an empty item ends the list.
    public static func parse(_ spec: String) throws(InvalidSpec) -> SSHDConnectionSpec {
        var result = SSHDConnectionSpec()
        for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
            if item.isEmpty { break }
            func value(after prefix: String) -> String? {
                item.hasPrefix(prefix) ? String(item.dropFirst(prefix.count)) : nil
            }
            if let v = value(after: "addr=") {
                result.address = v
            } else if let v = value(after: "host=") {
                result.host = v
            } else if let v = value(after: "user=") {
                result.user = v
            } else if let v = value(after: "laddr=") {
                result.localAddress = v
            } else if let v = value(after: "rdomain=") {
                result.routingDomain = v
            } else if let v = value(after: "lport=") {
                guard let port = SSHDValueParsing.port(v) else {
                    throw InvalidSpec(description: "Invalid port '\(v)' in test mode specification \(item)")
                }
                result.localPort = port
            } else {
                throw InvalidSpec(description: "Invalid test mode specification \(item)")
            }
        }
        return result
    }
}
