/// Reads `nft -j list ruleset` output (libnftables JSON schema 1) into a ``FirewallRuleset``.
///
/// Lenient: an object it does not understand is skipped with a diagnostic, an expression it does not
/// understand becomes a ``FirewallRuleset/Condition/other(_:)`` that the evaluator treats as "maybe".
/// The JSON has no line structure worth citing, so diagnostics name the rule handle instead.
public enum NftablesRulesetParser {
    /// Parses the JSON bytes.
    public static func parse(_ bytes: [UInt8], file: String? = nil) -> Parsed<FirewallRuleset> {
        let document = JSONReader.read(bytes, file: file)
        guard let root = document.value else {
            return Parsed(value: FirewallRuleset(), diagnostics: document.diagnostics)
        }
        return self.parse(root, file: file)
    }

    /// Parses JSON text.
    public static func parse(_ text: String, file: String? = nil) -> Parsed<FirewallRuleset> {
        self.parse(Array(text.utf8), file: file)
    }

    /// Parses an already-read JSON document.
    public static func parse(_ root: JSONValue, file: String? = nil) -> Parsed<FirewallRuleset> {
        var diagnostics: [ParseDiagnostic] = []
        func note(_ message: String, _ severity: ParseDiagnostic.Severity = .warning) {
            diagnostics.append(ParseDiagnostic(file: file, line: 1, severity: severity, message: message))
        }
        guard let objects = root["nftables"]?.arrayValue else {
            note("not nft JSON output: no top-level \"nftables\" array", .error)
            return Parsed(value: FirewallRuleset(), diagnostics: diagnostics)
        }
        var chains: [FirewallRuleset.Chain] = []
        var chainIndex: [String: Int] = [:]
        var sets: [FirewallRuleset.NamedSet] = []
        var pendingRules: [(key: String, rules: [FirewallRuleset.Rule])] = []

        for object in objects {
            guard let member = object.objectValue?.first else { continue }
            let body = member.value
            let family = body["family"]?.stringValue ?? "?"
            let table = body["table"]?.stringValue ?? "?"
            switch member.key {
            case "chain":
                guard let name = body["name"]?.stringValue else {
                    note("chain without a name in table \(family) \(table)")
                    continue
                }
                let policy: FirewallRuleset.Verdict? =
                    switch body["policy"]?.stringValue {
                    case "drop": .drop
                    case "accept": .accept
                    case nil: body["hook"] == nil ? nil : .accept
                    case let other?: .unknown(other)
                    }
                let chain = FirewallRuleset.Chain(
                    backend: .nftables,
                    family: family,
                    table: table,
                    name: name,
                    hook: body["hook"]?.stringValue,
                    type: body["type"]?.stringValue,
                    priority: Int(clamping: body["prio"]?.integerValue ?? 0),
                    policy: policy
                )
                chainIndex["\(family)\u{0}\(table)\u{0}\(name)"] = chains.count
                chains.append(chain)
            case "set", "map":
                guard member.key == "set", let name = body["name"]?.stringValue else { continue }
                let elements = (body["elem"]?.arrayValue ?? []).compactMap(Self.elementText)
                sets.append(FirewallRuleset.NamedSet(family: family, table: table, name: name, elements: elements))
            case "rule":
                guard let chainName = body["chain"]?.stringValue, let expressions = body["expr"]?.arrayValue else {
                    note("rule without chain or expressions in table \(family) \(table)")
                    continue
                }
                let handle = body["handle"]?.integerValue.map { Int(clamping: $0) }
                let rules = Self.rules(from: expressions, handle: handle)
                pendingRules.append((key: "\(family)\u{0}\(table)\u{0}\(chainName)", rules: rules))
            case "metainfo", "table", "element", "flowtable", "counter", "quota", "ct helper", "limit", "ct timeout",
                "ct expectation", "secmark", "synproxy":
                continue
            default:
                note("unknown nftables object \"\(member.key)\" skipped", .note)
            }
        }
        for (key, rules) in pendingRules {
            guard let index = chainIndex[key] else {
                note("rule for an undeclared chain \(key.split(separator: "\u{0}").joined(separator: " ")) skipped")
                continue
            }
            chains[index].rules += rules
        }
        return Parsed(value: FirewallRuleset(chains: chains, sets: sets), diagnostics: diagnostics)
    }

    // MARK: - Rules

    private static func rules(from expressions: [JSONValue], handle: Int?) -> [FirewallRuleset.Rule] {
        var conditions: [FirewallRuleset.Condition] = []
        var verdict: FirewallRuleset.Verdict?
        var mapEntries: [(FirewallRuleset.Condition, FirewallRuleset.Verdict)]?
        var words: [String] = []

        for expression in expressions {
            guard let statement = expression.objectValue?.first else { continue }
            let body = statement.value
            switch statement.key {
            case "match":
                let left = body["left"] ?? .null
                let right = body["right"] ?? .null
                let op = body["op"]?.stringValue ?? "=="
                conditions += Self.conditions(left: left, op: op, right: right)
                words.append(Self.render(match: left, op: op, right: right))
            case "accept", "drop", "return":
                verdict = statement.key == "accept" ? .accept : statement.key == "drop" ? .drop : .return
                words.append(statement.key)
            case "reject":
                verdict = .reject
                var text = "reject"
                if let type = body["type"]?.stringValue {
                    text += " with \(type)"
                    if let code = body["expr"]?.stringValue { text += " \(code)" }
                }
                words.append(text)
            case "jump", "goto":
                let target = body["target"]?.stringValue ?? "?"
                verdict = statement.key == "jump" ? .jump(target) : .goto(target)
                words.append("\(statement.key) \(target)")
            case "continue":
                words.append("continue")
            case "queue":
                verdict = .unknown("queue")
                words.append("queue")
            case "vmap":
                let key = body["key"] ?? .null
                let entries = body["data"]?["set"]?.arrayValue ?? []
                mapEntries = entries.compactMap { entry in
                    guard let pair = entry.arrayValue, pair.count == 2,
                        let mapped = Self.verdict(pair[1])
                    else { return nil }
                    let condition = Self.conditions(left: key, op: "==", right: pair[0]).first ?? .other("vmap")
                    return (condition, mapped)
                }
                let rendered = entries.compactMap { entry -> String? in
                    guard let pair = entry.arrayValue, pair.count == 2 else { return nil }
                    return "\(Self.render(value: pair[0])) : \(Self.verdict(pair[1])?.description ?? "?")"
                }
                words.append("\(Self.render(value: key)) vmap { \(rendered.joined(separator: ", ")) }")
            case "limit":
                let rate = body["rate"].map(Self.render(value:)) ?? "?"
                let per = body["per"]?.stringValue ?? "second"
                conditions.append(.other("limit rate \(rate)/\(per)"))
                words.append("limit rate \(rate)/\(per)")
            case "quota":
                conditions.append(.other("quota"))
                words.append("quota")
            case "xt":
                let name = body["name"]?.stringValue ?? "?"
                if body["type"]?.stringValue == "target" {
                    verdict = name == "REJECT" ? .reject : name == "DROP" ? .drop : .unknown("xt target \(name)")
                } else {
                    conditions.append(.other("xt match \(name)"))
                }
                words.append("xt \(body["type"]?.stringValue ?? "") \(name)")
            case "counter", "log", "notrack", "mangle", "meta", "ct", "set", "nat", "snat", "dnat", "masquerade",
                "redirect", "tproxy", "synproxy", "dup", "fwd", "flow", "secmark":
                // Statements that do not decide the packet's fate (or that only nat/route chains use).
                words.append(statement.key)
            default:
                conditions.append(.other(statement.key))
                words.append(statement.key)
            }
        }
        let text = words.joined(separator: " ")
        if let mapEntries {
            return mapEntries.map { entry in
                FirewallRuleset.Rule(text: text, handle: handle, conditions: conditions + [entry.0], verdict: entry.1)
            }
        }
        return [FirewallRuleset.Rule(text: text, handle: handle, conditions: conditions, verdict: verdict)]
    }

    private static func verdict(_ value: JSONValue) -> FirewallRuleset.Verdict? {
        guard let member = value.objectValue?.first else { return nil }
        switch member.key {
        case "accept": return .accept
        case "drop": return .drop
        case "reject": return .reject
        case "return": return .return
        case "jump": return .jump(member.value["target"]?.stringValue ?? "?")
        case "goto": return .goto(member.value["target"]?.stringValue ?? "?")
        case "continue": return nil
        default: return .unknown(member.key)
        }
    }

    // MARK: - Conditions

    private static func conditions(left: JSONValue, op: String, right: JSONValue) -> [FirewallRuleset.Condition] {
        let negated = op == "!="
        let rendered = Self.render(match: left, op: op, right: right)
        guard op == "==" || op == "!=" || op == "in" else { return [.other(rendered)] }
        if let payload = left["payload"] {
            let proto = payload["protocol"]?.stringValue ?? ""
            let field = payload["field"]?.stringValue ?? ""
            switch (proto, field) {
            case (_, "dport") where ["tcp", "udp", "sctp", "dccp", "udplite", "th"].contains(proto):
                let port = Self.portMatch(right).map { FirewallRuleset.Condition.destinationPort($0, negated: negated) }
                let implied: [FirewallRuleset.Condition] =
                    proto == "th" ? [] : [.transportProtocol([proto], negated: false)]
                return implied + [port ?? .other(rendered)]
            case ("ip", "saddr"), ("ip6", "saddr"):
                let match = Self.addressMatch(right).map {
                    FirewallRuleset.Condition.sourceAddress($0, negated: negated)
                }
                return [.networkFamily(proto, negated: false), match ?? .other(rendered)]
            case ("ip", "protocol"), ("ip6", "nexthdr"):
                let names = Set(Self.words(right).map(Self.protocolName))
                return [.networkFamily(proto, negated: false), .transportProtocol(names, negated: negated)]
            case ("ip", _), ("ip6", _):
                return [.networkFamily(proto, negated: false), .other(rendered)]
            case (_, _) where ["tcp", "udp", "sctp", "dccp", "udplite", "icmp", "icmpv6"].contains(proto):
                // Any other transport-header field still implies its protocol (`udp sport`, `icmpv6 type`).
                let name = proto == "icmpv6" ? "ipv6-icmp" : proto
                return [.transportProtocol([name], negated: false), .other(rendered)]
            default:
                return [.other(rendered)]
            }
        }
        if let key = left["meta"]?["key"]?.stringValue {
            switch key {
            case "l4proto":
                return [.transportProtocol(Set(Self.words(right).map(Self.protocolName)), negated: negated)]
            case "nfproto":
                let families = Self.words(right).compactMap { $0 == "ipv4" ? "ip" : $0 == "ipv6" ? "ip6" : nil }
                if families.count == 1 { return [.networkFamily(families[0], negated: negated)] }
                return [.other(rendered)]
            case "iifname", "iif":
                let names = Self.words(right)
                if names.count == 1 { return [.inputInterface(names[0], negated: negated)] }
                return [.other(rendered)]
            default:
                return [.other(rendered)]
            }
        }
        if left["ct"]?["key"]?.stringValue == "status", Self.words(right) == ["dnat"] {
            return [.indirectTraffic(rendered, negated: negated)]
        }
        if let fib = left["fib"], fib["result"]?.stringValue == "oif" || fib["result"]?.stringValue == "oifname",
            right == .bool(false) || right == .integer(0)
        {
            return [.indirectTraffic(rendered, negated: negated)]
        }
        if left["ct"]?["key"]?.stringValue == "state", left["ct"]?["dir"] == nil {
            return [.connectionState(Set(Self.words(right).map { $0.lowercased() }), negated: negated)]
        }
        if let fib = left["fib"], fib["result"]?.stringValue == "type",
            fib["flags"]?.arrayValue?.contains(.string("daddr")) == true
        {
            return [.destinationAddressType(Set(Self.words(right).map { $0.uppercased() }), negated: negated)]
        }
        return [.other(rendered)]
    }

    /// Plain words of a right-hand side: a string, a number, a list or an anonymous set of them.
    private static func words(_ value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .integer(let number): return [String(number)]
        case .array(let values): return values.flatMap(Self.words)
        case .object:
            if let set = value["set"] { return Self.words(set) }
            return []
        default: return []
        }
    }

    private static func protocolName(_ word: String) -> String {
        switch word {
        case "6": "tcp"
        case "17": "udp"
        default: word.lowercased()
        }
    }

    private static func portMatch(_ value: JSONValue) -> FirewallRuleset.PortMatch? {
        if case .string(let text) = value, text.hasPrefix("@") { return .namedSet(String(text.dropFirst())) }
        var ranges: [ClosedRange<UInt16>] = []
        func add(_ value: JSONValue) -> Bool {
            if let number = value.integerValue, let port = UInt16(exactly: number) {
                ranges.append(port...port)
                return true
            }
            if case .string(let text) = value, let port = UInt16(text) ?? Self.wellKnownPort(text) {
                ranges.append(port...port)
                return true
            }
            if let bounds = value["range"]?.arrayValue, bounds.count == 2,
                let low = bounds[0].integerValue.flatMap({ UInt16(exactly: $0) }),
                let high = bounds[1].integerValue.flatMap({ UInt16(exactly: $0) }), low <= high
            {
                ranges.append(low...high)
                return true
            }
            if let set = value["set"]?.arrayValue ?? value.arrayValue {
                return set.allSatisfy(add)
            }
            return false
        }
        return add(value) ? .ranges(ranges) : nil
    }

    /// nft prints service names only without `-n`; `-j` prints numbers, but a hand-written file may not.
    private static func wellKnownPort(_ name: String) -> UInt16? {
        switch name {
        case "ssh": 22
        case "http": 80
        case "https": 443
        default: nil
        }
    }

    private static func addressMatch(_ value: JSONValue) -> FirewallRuleset.AddressMatch? {
        if case .string(let text) = value, text.hasPrefix("@") { return .namedSet(String(text.dropFirst())) }
        var literals: [String] = []
        func add(_ value: JSONValue) -> Bool {
            if let text = Self.elementText(value) {
                literals.append(text)
                return true
            }
            if let set = value["set"]?.arrayValue { return set.allSatisfy(add) }
            return false
        }
        return add(value) ? .literals(literals) : nil
    }

    /// A set element as text: `192.0.2.7`, `192.0.2.0/24`, `a-b`, `22`; unwraps `{"elem": {"val": …}}`.
    private static func elementText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .object:
            if let inner = value["elem"]?["val"] { return Self.elementText(inner) }
            if let prefix = value["prefix"], let address = prefix["addr"]?.stringValue,
                let length = prefix["len"]?.integerValue
            {
                return "\(address)/\(length)"
            }
            if let bounds = value["range"]?.arrayValue, bounds.count == 2,
                let low = Self.elementText(bounds[0]), let high = Self.elementText(bounds[1])
            {
                return "\(low)-\(high)"
            }
            return nil
        default: return nil
        }
    }

    // MARK: - Rendering

    private static func render(match left: JSONValue, op: String, right: JSONValue) -> String {
        let relation = op == "==" || op == "in" ? " " : " \(op) "
        return Self.render(value: left) + relation + Self.render(value: right)
    }

    /// nft-like text for an expression, good enough for an administrator to find the rule.
    private static func render(value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return String(flag)
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array(let values): return values.map(Self.render(value:)).joined(separator: ",")
        case .object(let members):
            guard let member = members.first else { return "{}" }
            let body = member.value
            switch member.key {
            case "payload":
                return "\(body["protocol"]?.stringValue ?? "?") \(body["field"]?.stringValue ?? "?")"
            case "meta":
                let key = body["key"]?.stringValue ?? "?"
                return ["iifname", "oifname", "iif", "oif", "mark"].contains(key) ? key : "meta \(key)"
            case "ct":
                return "ct \(body["key"]?.stringValue ?? "?")"
            case "set":
                return "{ " + (body.arrayValue ?? []).map(Self.render(value:)).joined(separator: ", ") + " }"
            case "range":
                return (body.arrayValue ?? []).map(Self.render(value:)).joined(separator: "-")
            case "prefix":
                return Self.elementText(value) ?? "prefix"
            case "fib":
                let flags = (body["flags"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " . ")
                return "fib \(flags) \(body["result"]?.stringValue ?? "")"
            default:
                return member.key
            }
        }
    }
}
