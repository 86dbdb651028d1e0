import SSHDAuditCore
import Testing

@Suite("NftablesRulesetParser")
struct NftablesRulesetParserTests {
    @Test("reads chains with hooks, priorities and policies")
    func chains() throws {
        let ruleset = try FirewallFixture.nftables("firewalld")
        let input = try #require(ruleset.chains.first { $0.name == "filter_INPUT" })
        #expect(input.family == "inet")
        #expect(input.table == "firewalld")
        #expect(input.hook == "input")
        #expect(input.priority == 10)
        #expect(input.policy == .accept)
        #expect(input.rules.count == 6)
        let zones = try #require(ruleset.chains.first { $0.name == "filter_INPUT_ZONES" })
        #expect(zones.hook == nil)
        #expect(zones.rules.map(\.verdict) == [.goto("filter_IN_public"), .goto("filter_IN_public")])
    }

    @Test("reads named sets, prefixes included")
    func sets() throws {
        let ruleset = try FirewallFixture.nftables("sshguard")
        #expect(ruleset.sets.count == 2)
        #expect(ruleset.sets[0].elements == ["192.0.2.66", "198.51.100.0/24"])
        #expect(ruleset.sets[1].family == "ip6")
        #expect(ruleset.sets[1].elements == ["2001:db8::bad"])
    }

    @Test("turns matches into conditions and renders rule text")
    func conditions() throws {
        let ruleset = try FirewallFixture.nftables("reject-2222")
        let input = try #require(ruleset.chains.first)
        let reject = try #require(input.rules.last)
        #expect(reject.verdict == .reject)
        #expect(reject.handle != nil)
        #expect(reject.text == "tcp dport { 2222, 3000-3010 } counter reject with tcp reset")
        #expect(
            reject.conditions == [
                .transportProtocol(["tcp"], negated: false),
                .destinationPort(.ranges([2222...2222, 3000...3010]), negated: false),
            ]
        )
    }

    @Test("splits a verdict map into one rule per entry")
    func verdictMap() throws {
        let ruleset = try FirewallFixture.nftables("drop-policy-ssh-accept")
        let rules = try #require(ruleset.chains.first?.rules)
        let mapRules = rules.filter { $0.text.contains("vmap") }
        #expect(mapRules.count == 3)
        #expect(Set(mapRules.compactMap(\.verdict)) == [.accept, .drop])
        #expect(mapRules.allSatisfy { $0.handle == mapRules[0].handle })
    }

    @Test("an empty Debian ruleset has its three base chains and no rules")
    func debianDefault() throws {
        let ruleset = try FirewallFixture.nftables("debian-default")
        #expect(ruleset.chains.map(\.name) == ["input", "forward", "output"])
        #expect(ruleset.chains.allSatisfy { $0.rules.isEmpty && $0.policy == .accept })
    }

    @Test("unreadable or foreign JSON is a diagnostic, not a crash")
    func lenient() {
        let broken = NftablesRulesetParser.parse(#"{"nftables": [{"rule": "#)
        #expect(broken.hasErrors)
        #expect(broken.value.chains.isEmpty)
        let foreign = NftablesRulesetParser.parse(#"{"something": 1}"#)
        #expect(foreign.hasErrors)
        let odd = NftablesRulesetParser.parse(
            #"{"nftables": [{"rule": {"family": "ip", "table": "t", "chain": "missing", "expr": [{"accept": null}]}}, {"chain": {}}, 7, {"x": {}}]}"#
        )
        #expect(odd.value.chains.isEmpty)
        #expect(odd.diagnostics.count == 3)
        #expect(!odd.hasErrors)
    }
}
