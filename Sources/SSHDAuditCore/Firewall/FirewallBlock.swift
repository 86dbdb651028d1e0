/// A firewall rule (or chain policy) that drops or rejects new TCP connections to the port asked about.
///
/// `drop` makes the client time out; `reject` makes it print "Connection refused" (tcp reset or ICMP
/// port-unreachable) or "No route to host" (ICMP admin-prohibited).
public struct FirewallBlock: Sendable, Hashable, CustomStringConvertible {
    /// What happens to the connection.
    public enum Action: String, Sendable, Hashable {
        /// Silently discarded: the client waits and times out.
        case drop
        /// Refused with a TCP reset or an ICMP error: the client fails at once.
        case reject
    }

    /// Whom the block applies to.
    public enum Scope: Sendable, Hashable {
        /// Every source address.
        case allSources
        /// Only listed source addresses: a ban list (fail2ban's `f2b-*` chains, sshguard's set) or a
        /// source match. `count` is the number of listed entries, `nil` when the list is not visible
        /// (an ipset); `lists` names the sets or chains holding them.
        case listedAddresses(count: Int?, lists: [String])
        /// Only connections meeting conditions the evaluator cannot decide (an interface, a rate
        /// limit, a mark); the text names them.
        case conditional(String)
    }

    /// The tool whose rules these are.
    public var backend: FirewallRuleset.Backend
    /// The nftables family (`ip`, `ip6`, `inet`); `ip` or `ip6` for iptables.
    public var family: String
    /// The table holding the rule.
    public var table: String
    /// The chain holding the rule (for a policy, the base chain).
    public var chain: String
    /// The rule's text, or `policy drop` for a chain policy.
    public var rule: String
    /// The nftables rule handle.
    public var handle: Int?
    /// The line in `iptables-save` output.
    public var line: Int?
    /// What happens to the connection.
    public var action: Action
    /// Whom it happens to.
    public var scope: Scope
    /// Earlier rules that accept some of these connections first (a source-restricted accept, say), so
    /// the block spares them.
    public var exceptions: [String]
    /// `ip` or `ip6` when the block differs between IPv4 and IPv6 connections (an `inet` chain whose
    /// exceptions are IPv4-only, say) and applies as described to that family only; `nil` when it applies
    /// to both, or when `family` already says.
    public var onlyFamily: String?

    /// Creates a block; ``FirewallEvaluator`` is the usual source.
    public init(
        backend: FirewallRuleset.Backend,
        family: String,
        table: String,
        chain: String,
        rule: String,
        handle: Int? = nil,
        line: Int? = nil,
        action: Action,
        scope: Scope,
        exceptions: [String] = [],
        onlyFamily: String? = nil
    ) {
        self.backend = backend
        self.family = family
        self.table = table
        self.chain = chain
        self.rule = rule
        self.handle = handle
        self.line = line
        self.action = action
        self.scope = scope
        self.exceptions = exceptions
        self.onlyFamily = onlyFamily
    }

    /// Whether the block applies to every source address (and not only to some connections).
    public var blocksEveryone: Bool {
        if case .allSources = self.scope { return self.exceptions.isEmpty }
        return false
    }

    /// One line for logs and `check` output, e.g. `iptables ip filter INPUT line 7: -A INPUT … (reject, all sources)`.
    public var description: String {
        var location = "\(self.backend.rawValue) \(self.family) \(self.table) \(self.chain)"
        if let line = self.line { location += " line \(line)" }
        if let handle = self.handle { location += " handle \(handle)" }
        let scope: String
        switch self.scope {
        case .allSources: scope = "all sources"
        case .listedAddresses(let count, let lists):
            let counted = count.map { "\($0) listed address\($0 == 1 ? "" : "es")" } ?? "listed addresses"
            scope = lists.isEmpty ? counted : "\(counted) in \(lists.joined(separator: ", "))"
        case .conditional(let why): scope = "only when \(why)"
        }
        let except = self.exceptions.isEmpty ? "" : "; except \(self.exceptions.joined(separator: "; "))"
        let only = self.onlyFamily.map { $0 == "ip6" ? "IPv6 only, " : "IPv4 only, " } ?? ""
        return "\(location): \(self.rule) (\(self.action.rawValue), \(only)\(scope)\(except))"
    }
}
