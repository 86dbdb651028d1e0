/// Answers "which rules would drop or reject a new TCP connection to this port?" by walking the input
/// path of a ``FirewallRuleset`` the way netfilter would.
///
/// The packet is a new (`ct state new`) TCP connection arriving on a non-loopback interface for a local
/// address, optionally from a known source. Base chains hooked at `ingress`, `prerouting` and `input` (iptables:
/// `raw`/`mangle` PREROUTING, `mangle`/`filter`/`security` INPUT) run in priority order; each is walked rule
/// by rule following `jump`, `goto` and `return`, and a chain that ends unanswered falls to its policy.
///
/// A condition the evaluator cannot decide (a rate limit, an interface other than `lo`, a source list
/// when no source was given) makes the rule a "maybe": a maybe-accept does not stop the walk but is noted
/// as an exception to later blocks; a maybe-drop is reported with its scope and the walk goes on.
public enum FirewallEvaluator {
    /// Chains deeper than this are not followed (the kernel refuses loops; this guards malformed input).
    static let maximumDepth = 32

    /// The blocks for new TCP connections to `port`, from `source` if given, in evaluation order.
    public static func blocks(
        in ruleset: FirewallRuleset,
        port: UInt16,
        source: IPAddress? = nil
    ) -> [FirewallBlock] {
        var walker = Walker(ruleset: ruleset, port: port, source: source)
        let baseChains = ruleset.chains.enumerated()
            .filter { Self.isInputPath($0.element) }
            .sorted { lhs, rhs in
                let left = (Self.hookOrder(lhs.element.hook), lhs.element.priority, lhs.offset)
                let right = (Self.hookOrder(rhs.element.hook), rhs.element.priority, rhs.offset)
                return left < right
            }
            .map(\.element)
        // An IPv4 and an IPv6 connection meet different chains (`ip` vs `ip6` tables, `ip saddr` rules):
        // walk once per family the client may use. Rules met in both walks are reported once.
        let families = source.map { [$0.family == .ipv6 ? "ip6" : "ip"] } ?? ["ip", "ip6"]
        for family in families {
            walker.family = family
            Self.walk(baseChains.filter { $0.family == family || !["ip", "ip6"].contains($0.family) }, with: &walker)
        }
        var blocks = Self.mergingBanLists(walker.blocks)
        if families.count == 1 {
            // The question was about one family already.
            for index in blocks.indices { blocks[index].onlyFamily = nil }
        }
        return blocks
    }

    /// Walks the base chains in order until one drops the packet for sure.
    private static func walk(_ baseChains: [FirewallRuleset.Chain], with walker: inout Walker) {
        for chain in baseChains {
            walker.exceptions = []
            // An accept in one base chain does not spare the packet from the next one; only drops are final.
            let outcome = walker.walk(chain, context: [], depth: 0, stack: [])
            if outcome == .fellThrough, chain.policy == .drop {
                walker.record(
                    chain: chain,
                    rule: FirewallRuleset.Rule(text: "policy drop", line: chain.line, conditions: [], verdict: .drop),
                    action: .drop,
                    reasons: []
                )
            }
            if outcome == .dropped || (outcome == .fellThrough && chain.policy == .drop && walker.exceptions.isEmpty) {
                break
            }
        }
    }

    /// Where a hook sits on the way in: ingress, then prerouting, then input.
    static func hookOrder(_ hook: String?) -> Int {
        switch hook {
        case "ingress": 0
        case "prerouting": 1
        default: 2
        }
    }

    /// Whether `chain` sees packets for local sockets before the socket does.
    static func isInputPath(_ chain: FirewallRuleset.Chain) -> Bool {
        guard let hook = chain.hook, ["input", "prerouting", "ingress"].contains(hook) else { return false }
        switch chain.backend {
        case .nftables:
            // nat chains only see the first packet to rewrite it; route chains are output-only.
            // `ingress` runs before everything else, on netdev tables (and inet ones since Linux 5.10).
            guard (chain.type ?? "filter") == "filter" else { return false }
            return hook == "ingress"
                ? ["netdev", "inet"].contains(chain.family) : ["ip", "ip6", "inet"].contains(chain.family)
        case .iptables:
            return hook == "input"
                ? ["filter", "mangle", "security"].contains(chain.table) : ["raw", "mangle"].contains(chain.table)
        }
    }

    /// fail2ban writes one rule per banned address into its chain; report the chain once, with the count.
    static func mergingBanLists(_ blocks: [FirewallBlock]) -> [FirewallBlock] {
        var merged: [(block: FirewallBlock, rules: Int)] = []
        for block in blocks {
            if case .listedAddresses(let count, let lists) = block.scope, lists.isEmpty, let last = merged.last,
                case .listedAddresses(let lastCount, let lastLists) = last.block.scope, lastLists.isEmpty,
                last.block.backend == block.backend, last.block.family == block.family,
                last.block.table == block.table, last.block.chain == block.chain,
                last.block.action == block.action, last.block.exceptions == block.exceptions,
                last.block.onlyFamily == block.onlyFamily
            {
                var combined = last.block
                combined.scope = .listedAddresses(count: lastCount.flatMap { a in count.map { a + $0 } }, lists: [])
                merged[merged.count - 1] = (combined, last.rules + 1)
            } else {
                merged.append((block, 1))
            }
        }
        return merged.map { entry in
            // A chain of ban rules is the list itself, as fail2ban names it (`f2b-sshd`).
            guard case .listedAddresses(let count, let lists) = entry.block.scope, lists.isEmpty else {
                return entry.block
            }
            var named = entry.block
            named.scope = .listedAddresses(count: count, lists: [named.chain])
            if entry.rules > 1 { named.rule += " (first of \(entry.rules) rules)" }
            return named
        }
    }

    // MARK: - Walking

    enum Outcome: Equatable {
        case accepted
        case dropped
        case fellThrough
    }

    /// Why a rule only sometimes applies.
    enum Reason: Hashable {
        case sources(count: Int?, list: String?)
        case other(String)
    }

    enum Certainty {
        case always
        case never
        case sometimes([Reason])
    }

    struct Walker {
        let ruleset: FirewallRuleset
        let port: UInt16
        let source: IPAddress?
        /// The network family of the connection being walked: `ip` or `ip6`.
        var family = "ip"
        var blocks: [FirewallBlock] = []
        /// Texts of maybe-accepts seen so far in this base chain's walk.
        var exceptions: [String] = []
        /// Parsed address lists by `family table name`, so a large ban set is parsed once per evaluation.
        var addressBounds: [String: [ClosedRange<IPAddress>?]] = [:]

        init(ruleset: FirewallRuleset, port: UInt16, source: IPAddress?) {
            self.ruleset = ruleset
            self.port = port
            self.source = source
        }

        mutating func walk(
            _ chain: FirewallRuleset.Chain,
            context: [Reason],
            depth: Int,
            stack: [String]
        ) -> Outcome {
            guard depth < FirewallEvaluator.maximumDepth, !stack.contains(chain.name) else { return .fellThrough }
            for rule in chain.rules {
                guard let verdict = rule.verdict else { continue }
                let certainty = self.certainty(of: rule, in: chain)
                let reasons: [Reason]
                switch certainty {
                case .never: continue
                case .always: reasons = []
                case .sometimes(let why): reasons = why
                }
                let sure = reasons.isEmpty
                switch verdict {
                case .accept:
                    if sure { return .accepted }
                    self.exceptions.append(rule.text)
                case .drop, .reject:
                    self.record(
                        chain: chain,
                        rule: rule,
                        action: verdict == .drop ? .drop : .reject,
                        reasons: context + reasons
                    )
                    if sure { return .dropped }
                case .jump(let target), .goto(let target):
                    guard let next = self.ruleset.chain(named: target, besides: chain) else { continue }
                    let outcome = self.walk(
                        next,
                        context: context + reasons,
                        depth: depth + 1,
                        stack: stack + [chain.name]
                    )
                    if sure, outcome != .fellThrough { return outcome }
                    if !sure, outcome == .accepted { self.exceptions.append(rule.text) }
                    if case .goto = verdict, sure { return .fellThrough }
                case .return:
                    if sure { return .fellThrough }
                case .unknown:
                    continue
                }
            }
            return .fellThrough
        }

        mutating func record(
            chain: FirewallRuleset.Chain,
            rule: FirewallRuleset.Rule,
            action: FirewallBlock.Action,
            reasons: [Reason]
        ) {
            var count: Int? = 0
            var lists: [String] = []
            var others: [String] = []
            var hasSources = false
            for reason in reasons {
                switch reason {
                case .sources(let listed, let list):
                    hasSources = true
                    count = count.flatMap { a in listed.map { a + $0 } }
                    if let list { lists.append(list) }
                case .other(let text):
                    others.append(text)
                }
            }
            let scope: FirewallBlock.Scope
            if hasSources {
                scope = .listedAddresses(count: count, lists: lists)
            } else if !others.isEmpty {
                scope = .conditional(others.joined(separator: ", "))
            } else {
                scope = .allSources
            }
            let block = FirewallBlock(
                backend: chain.backend,
                family: chain.family,
                table: chain.table,
                chain: chain.name,
                rule: rule.text,
                handle: rule.handle,
                line: rule.line,
                action: action,
                scope: scope,
                exceptions: self.exceptions,
                onlyFamily: ["ip", "ip6"].contains(chain.family) ? nil : self.family
            )
            // A rule reached twice in one walk (a conditional `goto` and then an unconditional one, as
            // firewalld's zone dispatch does) is one block: keep the wider reach.
            let sameRule: (FirewallBlock) -> Bool = {
                $0.backend == block.backend && $0.family == block.family && $0.table == block.table
                    && $0.chain == block.chain && $0.rule == block.rule && $0.handle == block.handle
                    && $0.line == block.line
            }
            if let index = self.blocks.firstIndex(where: { sameRule($0) && $0.onlyFamily == block.onlyFamily }) {
                if block.scope == .allSources { self.blocks[index] = block }
                return
            }
            // Met the same way in the IPv4 and the IPv6 walk: one block for both families.
            if let index = self.blocks.firstIndex(where: {
                sameRule($0) && $0.scope == block.scope && $0.exceptions == block.exceptions
            }) {
                self.blocks[index].onlyFamily = nil
                return
            }
            self.blocks.append(block)
        }

        // MARK: - Conditions

        mutating func certainty(of rule: FirewallRuleset.Rule, in chain: FirewallRuleset.Chain) -> Certainty {
            var reasons: [Reason] = []
            for condition in rule.conditions {
                switch self.certainty(of: condition, in: chain) {
                case .never: return .never
                case .always: continue
                case .sometimes(let why): reasons += why
                }
            }
            return reasons.isEmpty ? .always : .sometimes(reasons)
        }

        mutating func certainty(of condition: FirewallRuleset.Condition, in chain: FirewallRuleset.Chain) -> Certainty {
            switch condition {
            case .transportProtocol(let names, let negated):
                return Self.decided(names.contains("tcp") || names.contains("all") || names.contains("0"), negated)
            case .destinationPort(.ranges(let ranges), let negated):
                return Self.decided(ranges.contains { $0.contains(self.port) }, negated)
            case .destinationPort(.namedSet(let name), let negated):
                guard let set = self.ruleset.set(named: name, besides: chain) else {
                    return .sometimes([.other("dport in unknown set @\(name)")])
                }
                let contains = set.elements.contains { element in
                    if let port = UInt16(element) { return port == self.port }
                    let bounds = element.split(separator: "-")
                    guard bounds.count == 2, let low = UInt16(bounds[0]), let high = UInt16(bounds[1]) else {
                        return false
                    }
                    return low <= self.port && self.port <= high
                }
                return Self.decided(contains, negated)
            case .connectionState(let states, let negated):
                return Self.decided(states.contains("new"), negated)
            case .inputInterface(let name, let negated):
                if name == "lo" { return Self.decided(false, negated) }
                return .sometimes([.other("\(negated ? "not " : "")arriving on \(name)")])
            case .destinationAddressType(let types, let negated):
                return Self.decided(types.contains("LOCAL") || types.contains("UNICAST"), negated)
            case .sourceAddress(let match, let negated):
                return self.certainty(ofSource: match, negated: negated, in: chain)
            case .networkFamily(let family, let negated):
                return Self.decided(family == self.family, negated)
            case .indirectTraffic(_, let negated):
                return Self.decided(false, negated)
            case .other(let text):
                return .sometimes([.other(text)])
            }
        }

        mutating func certainty(
            ofSource match: FirewallRuleset.AddressMatch,
            negated: Bool,
            in chain: FirewallRuleset.Chain
        ) -> Certainty {
            let elements: [String]?
            let listName: String?
            switch match {
            case .literals(let literals):
                // `-s 0.0.0.0/0` and `::/0` are what iptables-save never prints but people write.
                if literals.contains("0.0.0.0/0") || literals.contains("::/0") { return Self.decided(true, negated) }
                (elements, listName) = (literals, nil)
            case .namedSet(let name):
                (elements, listName) = (self.ruleset.set(named: name, besides: chain)?.elements, "@\(name)")
            case .ipset(let name):
                (elements, listName) = (nil, "ipset \(name)")
            }
            if let source = self.source, let elements {
                let key = "\(chain.family) \(chain.table) \(listName ?? elements.joined(separator: ","))"
                let bounds = self.addressBounds[key] ?? elements.map(IPAddress.bounds(of:))
                self.addressBounds[key] = bounds
                if bounds.contains(where: { $0?.contains(source) == true }) { return Self.decided(true, negated) }
                if !bounds.contains(where: { $0 == nil }) { return Self.decided(false, negated) }
            }
            if negated {
                return .sometimes([.other("source not in \(listName ?? (elements ?? []).joined(separator: ","))")])
            }
            return .sometimes([.sources(count: elements?.count, list: listName)])
        }

        static func decided(_ holds: Bool, _ negated: Bool) -> Certainty {
            holds != negated ? .always : .never
        }
    }
}
