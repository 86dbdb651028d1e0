/// The packet-filter rules of one host, as read from `nft -j list ruleset` or `iptables-save`, reduced to
/// what decides the fate of a new TCP connection: match conditions and verdicts.
///
/// Both parsers produce this one model so ``FirewallEvaluator`` walks nftables and iptables alike.
public struct FirewallRuleset: Sendable, Hashable {
    /// Where the rules came from.
    public enum Backend: String, Sendable, Hashable {
        /// `nft -j list ruleset`.
        case nftables
        /// `iptables-save` (family `ip`) or `ip6tables-save` (family `ip6`).
        case iptables
    }

    /// What a rule does once its conditions hold.
    public enum Verdict: Sendable, Hashable, CustomStringConvertible {
        /// Let the packet through (this base chain is done with it).
        case accept
        /// Discard it silently.
        case drop
        /// Discard it and tell the client (TCP reset or ICMP error).
        case reject
        /// Continue in another chain, coming back if it ends without a verdict.
        case jump(String)
        /// Continue in another chain, not coming back.
        case goto(String)
        /// Go back to the calling chain (or the policy, in a base chain).
        case `return`
        /// A verdict the evaluator cannot follow (`queue`, an opaque xtables target).
        case unknown(String)

        public var description: String {
            switch self {
            case .accept: "accept"
            case .drop: "drop"
            case .reject: "reject"
            case .jump(let chain): "jump \(chain)"
            case .goto(let chain): "goto \(chain)"
            case .return: "return"
            case .unknown(let text): text
            }
        }
    }

    /// Destination ports a rule names: literal ports and ranges, or a named nftables set.
    public enum PortMatch: Sendable, Hashable {
        /// Literal ports and ranges (`22`, `1000-2000`, `1000:2000`).
        case ranges([ClosedRange<UInt16>])
        /// A named nftables set (`@ports`) in the rule's table.
        case namedSet(String)
    }

    /// Source addresses a rule names.
    public enum AddressMatch: Sendable, Hashable {
        /// Literal addresses, prefixes (`10.0.0.0/8`) or ranges (`a-b`), as written.
        case literals([String])
        /// A named nftables set in the rule's table.
        case namedSet(String)
        /// An ipset (`-m set --match-set NAME src`); its members are not in the iptables output.
        case ipset(String)
    }

    /// One test a packet must pass for a rule to apply; `negated` is nftables' `!=` or iptables' `!`.
    public enum Condition: Sendable, Hashable {
        /// Layer-4 protocol names (`tcp`, `udp`, `all`), lower-cased.
        case transportProtocol(Set<String>, negated: Bool)
        /// The destination port (`tcp dport`, `--dport`, `--dports`).
        case destinationPort(PortMatch, negated: Bool)
        /// Conntrack states (`new`, `established`, `related`, `invalid`, `untracked`), lower-cased.
        case connectionState(Set<String>, negated: Bool)
        /// The source address (`ip saddr`, `-s`, an ipset).
        case sourceAddress(AddressMatch, negated: Bool)
        /// The interface the packet arrived on (`iifname`, `-i`).
        case inputInterface(String, negated: Bool)
        /// Destination address types (`LOCAL`, `BROADCAST`, …), upper-cased.
        case destinationAddressType(Set<String>, negated: Bool)
        /// The network protocol: `ip` (IPv4) or `ip6`, implied by `ip saddr`, `ip6 nexthdr`, `meta nfproto`.
        case networkFamily(String, negated: Bool)
        /// Holds only for traffic a client connecting straight to the host does not send: a failed
        /// reverse-path lookup (`fib saddr . iif oif missing`), a DNAT-ed connection (`ct status dnat`).
        case indirectTraffic(String, negated: Bool)
        /// Anything else (rate limits, marks, destination addresses); the text says what.
        case other(String)
    }

    /// One rule: all conditions must hold, then the verdict applies.
    ///
    /// An nftables verdict map (`ct state vmap { established : accept, … }`) becomes one rule per entry,
    /// all with the same text and handle: the entries are exclusive, so walking them in turn is equivalent.
    public struct Rule: Sendable, Hashable {
        /// The rule as an administrator would write it (iptables-save's line, or rendered nft syntax).
        public var text: String
        /// The 1-based line in `iptables-save` output.
        public var line: Int?
        /// The nftables rule handle.
        public var handle: Int?
        /// Every condition must hold for the verdict to apply.
        public var conditions: [Condition]
        /// `nil` for rules that only count or log.
        public var verdict: Verdict?

        /// Creates a rule.
        public init(text: String, line: Int? = nil, handle: Int? = nil, conditions: [Condition], verdict: Verdict?) {
            self.text = text
            self.line = line
            self.handle = handle
            self.conditions = conditions
            self.verdict = verdict
        }
    }

    /// A chain; base chains have a hook and usually a policy.
    public struct Chain: Sendable, Hashable {
        /// The tool that listed the chain.
        public var backend: Backend
        /// `ip`, `ip6`, `inet`, `bridge`, `arp` or `netdev`.
        public var family: String
        /// The table holding the chain.
        public var table: String
        /// The chain's name (`INPUT`, `input`, `f2b-sshd`).
        public var name: String
        /// `input`, `prerouting`, …; `nil` for a user chain.
        public var hook: String?
        /// nftables' chain type (`filter`, `nat`, `route`); the table name for iptables.
        public var type: String?
        /// Lower runs first.
        public var priority: Int
        /// `accept` or `drop` for base chains.
        public var policy: Verdict?
        /// The rules in evaluation order.
        public var rules: [Rule]
        /// The line declaring the chain (iptables-save) for policy findings.
        public var line: Int?

        /// Creates a chain.
        public init(
            backend: Backend,
            family: String,
            table: String,
            name: String,
            hook: String? = nil,
            type: String? = nil,
            priority: Int = 0,
            policy: Verdict? = nil,
            rules: [Rule] = [],
            line: Int? = nil
        ) {
            self.backend = backend
            self.family = family
            self.table = table
            self.name = name
            self.hook = hook
            self.type = type
            self.priority = priority
            self.policy = policy
            self.rules = rules
            self.line = line
        }
    }

    /// A named nftables set with its elements as written (`192.0.2.0/24`, `22`, `1000-2000`).
    public struct NamedSet: Sendable, Hashable {
        /// The family of the table holding the set.
        public var family: String
        /// The table holding the set.
        public var table: String
        /// The set's name, without `@`.
        public var name: String
        /// The elements as written.
        public var elements: [String]

        /// Creates a set.
        public init(family: String, table: String, name: String, elements: [String]) {
            self.family = family
            self.table = table
            self.name = name
            self.elements = elements
        }
    }

    /// Every chain, base and user chains alike.
    public var chains: [Chain]
    /// Named nftables sets, which rules refer to as `@name`.
    public var sets: [NamedSet]

    /// Creates a ruleset.
    public init(chains: [Chain] = [], sets: [NamedSet] = []) {
        self.chains = chains
        self.sets = sets
    }

    /// The chain called `name` in the same family and table as `chain`.
    public func chain(named name: String, besides chain: Chain) -> Chain? {
        self.chains.first {
            $0.backend == chain.backend && $0.family == chain.family && $0.table == chain.table && $0.name == name
        }
    }

    /// The set called `name` in the same family and table as `chain`.
    public func set(named name: String, besides chain: Chain) -> NamedSet? {
        self.sets.first { $0.family == chain.family && $0.table == chain.table && $0.name == name }
    }

    /// Both views of one host, without counting iptables-nft's tables twice.
    ///
    /// With the `nf_tables` backend of iptables (Debian's default), iptables' rules live in nftables tables
    /// (`ip filter`, `ip6 filter`, …) that `nft -j` can show only as opaque `xt` expressions. When the
    /// iptables view comes from that backend, it is the readable one: those nft tables are left out.
    public static func combining(
        nftables: FirewallRuleset?,
        iptables: [FirewallRuleset],
        iptablesUsesNftables: Bool
    ) -> FirewallRuleset {
        var result = FirewallRuleset()
        let iptablesTables = Set(iptables.flatMap(\.chains).map { "\($0.family) \($0.table)" })
        if let nftables {
            let keep: (String, String) -> Bool = { family, table in
                !(iptablesUsesNftables && iptablesTables.contains("\(family) \(table)"))
            }
            result.chains += nftables.chains.filter { keep($0.family, $0.table) }
            result.sets += nftables.sets.filter { keep($0.family, $0.table) }
        }
        for ruleset in iptables {
            result.chains += ruleset.chains
            result.sets += ruleset.sets
        }
        return result
    }
}
