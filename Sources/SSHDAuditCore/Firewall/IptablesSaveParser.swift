/// Reads `iptables-save` / `ip6tables-save` output into a ``FirewallRuleset``, keeping each rule's line.
///
/// The format is line-based: `*table`, `:CHAIN POLICY [packets:bytes]`, `-A CHAIN match… -j TARGET`,
/// `COMMIT`. Unknown matches are kept as ``FirewallRuleset/Condition/other(_:)``; a line that is not
/// one of these forms is a diagnostic.
public enum IptablesSaveParser {
    /// Parses the output of `iptables-save` (`family` "ip") or `ip6tables-save` (`family` "ip6").
    public static func parse(_ text: String, family: String = "ip", file: String? = nil) -> Parsed<FirewallRuleset> {
        var chains: [FirewallRuleset.Chain] = []
        var diagnostics: [ParseDiagnostic] = []
        var table: String?
        var chainIndex: [String: Int] = [:]
        var pendingRules: [(table: String, chain: String, tokens: [String], line: Int, text: String)] = []

        func diagnose(_ line: Int, _ message: String, _ severity: ParseDiagnostic.Severity = .warning) {
            diagnostics.append(ParseDiagnostic(file: file, line: line, severity: severity, message: message))
        }

        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("*") {
                table = String(line.dropFirst())
                continue
            }
            if line == "COMMIT" {
                table = nil
                continue
            }
            guard let currentTable = table else {
                diagnose(lineNumber, "line outside a *table ... COMMIT block: \(line)")
                continue
            }
            if line.hasPrefix(":") {
                let fields = line.dropFirst().split(separator: " ")
                guard let name = fields.first else {
                    diagnose(lineNumber, "chain declaration without a name")
                    continue
                }
                let policyWord = fields.count > 1 ? String(fields[1]) : "-"
                let policy: FirewallRuleset.Verdict? =
                    switch policyWord {
                    case "-": nil
                    case "ACCEPT": .accept
                    case "DROP": .drop
                    default: .unknown(policyWord)
                    }
                let hook = Self.hook(forBuiltinChain: String(name))
                chainIndex["\(currentTable) \(name)"] = chains.count
                chains.append(
                    FirewallRuleset.Chain(
                        backend: .iptables,
                        family: family,
                        table: currentTable,
                        name: String(name),
                        hook: hook,
                        type: currentTable,
                        priority: Self.priority(ofTable: currentTable),
                        policy: hook == nil ? nil : policy,
                        line: lineNumber
                    )
                )
                continue
            }
            var tokens = Self.tokenize(line)
            // `iptables-save -c` puts counters first: `[12:345] -A INPUT ...`.
            if let first = tokens.first, first.hasPrefix("["), first.hasSuffix("]") { tokens.removeFirst() }
            guard tokens.count >= 2, tokens[0] == "-A" || tokens[0] == "--append" else {
                diagnose(lineNumber, "not a rule (expected -A CHAIN ...): \(line)")
                continue
            }
            pendingRules.append((currentTable, tokens[1], Array(tokens.dropFirst(2)), lineNumber, String(line)))
        }
        if table != nil {
            diagnose(lineNumber, "table \(table ?? "") not closed by COMMIT", .note)
        }

        for pending in pendingRules {
            guard let index = chainIndex["\(pending.table) \(pending.chain)"] else {
                diagnose(pending.line, "rule for undeclared chain \(pending.chain) in table \(pending.table)")
                continue
            }
            let userChains = Set(chains.filter { $0.table == pending.table }.map(\.name))
            let rule = Self.rule(
                pending.tokens,
                text: pending.text,
                line: pending.line,
                userChains: userChains,
                diagnose: { diagnose(pending.line, $0) }
            )
            chains[index].rules.append(rule)
        }
        // Rules are checked after every chain is known, so their diagnostics follow the end-of-table ones;
        // `Parsed` promises input order.
        let ordered = diagnostics.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        return Parsed(value: FirewallRuleset(chains: chains), diagnostics: ordered.map(\.element))
    }

    /// Whether the header comment says the rules live in nftables (`iptables-save v1.8.9 (nf_tables)`).
    public static func usesNftablesBackend(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix("#") && $0.contains("(nf_tables)") }
    }

    private static func hook(forBuiltinChain name: String) -> String? {
        switch name {
        case "INPUT": "input"
        case "PREROUTING": "prerouting"
        case "FORWARD": "forward"
        case "OUTPUT": "output"
        case "POSTROUTING": "postrouting"
        default: nil
        }
    }

    /// The netfilter hook priorities of the legacy tables, so they sort with nft base chains.
    private static func priority(ofTable table: String) -> Int {
        switch table {
        case "raw": -300
        case "mangle": -150
        case "nat": -100
        case "filter": 0
        case "security": 50
        default: 0
        }
    }

    // MARK: - Rules

    private static func rule(
        _ tokens: [String],
        text: String,
        line: Int,
        userChains: Set<String>,
        diagnose: (String) -> Void
    ) -> FirewallRuleset.Rule {
        var conditions: [FirewallRuleset.Condition] = []
        var verdict: FirewallRuleset.Verdict?
        var negateNext = false
        var index = 0

        func value() -> String? {
            index += 1
            // `! ` may also come after the option name in old saves: `-s ! 1.2.3.4`.
            if index < tokens.count, tokens[index] == "!" {
                negateNext.toggle()
                index += 1
            }
            return index < tokens.count ? tokens[index] : nil
        }

        while index < tokens.count {
            let token = tokens[index]
            if token == "!" {
                negateNext = true
                index += 1
                continue
            }
            let negated = negateNext
            negateNext = false
            switch token {
            case "-p", "--protocol":
                guard let name = value() else { break }
                conditions.append(
                    .transportProtocol(
                        [name.lowercased() == "6" ? "tcp" : name.lowercased()],
                        negated: negated != negateNext
                    )
                )
            case "-s", "--source", "--src":
                guard let list = value() else { break }
                let literals = list.split(separator: ",").map(String.init)
                conditions.append(.sourceAddress(.literals(literals), negated: negated != negateNext))
            case "-i", "--in-interface":
                guard let name = value() else { break }
                conditions.append(.inputInterface(name, negated: negated != negateNext))
            case "--dport", "--destination-port", "--dports", "--destination-ports":
                guard let list = value() else { break }
                if let ranges = Self.portRanges(list) {
                    conditions.append(.destinationPort(.ranges(ranges), negated: negated != negateNext))
                } else {
                    diagnose("unreadable port list \(list)")
                    conditions.append(.other("\(token) \(list)"))
                }
            case "--ctstate", "--state":
                guard let list = value() else { break }
                let states = Set(list.split(separator: ",").map { $0.lowercased() })
                conditions.append(.connectionState(states, negated: negated != negateNext))
            case "--dst-type":
                guard let list = value() else { break }
                let types = Set(list.split(separator: ",").map { $0.uppercased() })
                conditions.append(.destinationAddressType(types, negated: negated != negateNext))
            case "--match-set":
                guard let name = value() else { break }
                index += 1
                let flags = index < tokens.count ? tokens[index] : ""
                if flags.split(separator: ",").first == "src" {
                    conditions.append(.sourceAddress(.ipset(name), negated: negated != negateNext))
                } else {
                    conditions.append(.other("--match-set \(name) \(flags)"))
                }
            case "--syn":
                // Only the first packet of a connection has SYN alone: for a new connection, the same as NEW.
                conditions.append(.connectionState(["new"], negated: negated))
            case "-m", "--match":
                // The module name alone decides nothing; its options follow as their own tokens.
                index += 1
            case "--comment":
                index += 1
            case "-j", "--jump", "-g", "--goto":
                guard let target = value() else { break }
                verdict = Self.verdict(target, isGoto: token == "-g" || token == "--goto", userChains: userChains)
                // Target options (`--reject-with tcp-reset`) end the match part of the rule.
                index = tokens.count
                continue
            default:
                if token.hasPrefix("-") {
                    // An option this reader does not model (`-d`, `--sport`, `--limit`, `--tcp-flags`, …):
                    // keep it with its arguments as a condition that may or may not hold.
                    var words = [token]
                    while index + 1 < tokens.count, !tokens[index + 1].hasPrefix("-") || tokens[index + 1] == "-" {
                        index += 1
                        words.append(tokens[index])
                    }
                    conditions.append(.other((negated ? "! " : "") + words.joined(separator: " ")))
                } else {
                    diagnose("unexpected word \(token)")
                }
            }
            negateNext = false
            index += 1
        }
        return FirewallRuleset.Rule(text: text, line: line, conditions: conditions, verdict: verdict)
    }

    private static func verdict(_ target: String, isGoto: Bool, userChains: Set<String>) -> FirewallRuleset.Verdict? {
        switch target {
        case "ACCEPT": return .accept
        case "DROP": return .drop
        case "REJECT": return .reject
        case "RETURN": return .return
        // xtables-addons' TARPIT holds the connection open until the client gives up: a drop for our purposes.
        case "TARPIT": return .drop
        case "QUEUE", "NFQUEUE": return .unknown(target)
        default:
            if userChains.contains(target) { return isGoto ? .goto(target) : .jump(target) }
            // LOG, MARK, CT, NFLOG, … continue with the next rule.
            return nil
        }
    }

    /// `22`, `22,80`, `1000:2000`, `:1024` (from 0), `1024:` (to 65535).
    private static func portRanges(_ list: String) -> [ClosedRange<UInt16>]? {
        var ranges: [ClosedRange<UInt16>] = []
        for item in list.split(separator: ",") {
            if let colon = item.firstIndex(of: ":") {
                let lowText = item[..<colon]
                let highText = item[item.index(after: colon)...]
                guard let low = lowText.isEmpty ? 0 : UInt16(lowText),
                    let high = highText.isEmpty ? 65535 : UInt16(highText),
                    low <= high
                else { return nil }
                ranges.append(low...high)
            } else {
                guard let port = UInt16(item) else { return nil }
                ranges.append(port...port)
            }
        }
        return ranges.isEmpty ? nil : ranges
    }

    /// Splits a rule line into words; iptables-save double-quotes words with spaces and escapes `"` and `\`.
    static func tokenize(_ line: Substring) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inQuotes = false
        var hasToken = false
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                hasToken = true
            } else if (character == " " || character == "\t") && !inQuotes {
                if hasToken { tokens.append(current) }
                current = ""
                hasToken = false
            } else {
                current.append(character)
                hasToken = true
            }
        }
        if hasToken { tokens.append(current) }
        return tokens
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs and carriage returns.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = self.firstIndex(where: { !isSpace($0) }) else { return self[self.endIndex...] }
        let end = self.lastIndex(where: { !isSpace($0) }) ?? start
        return self[start...end]
    }
}
