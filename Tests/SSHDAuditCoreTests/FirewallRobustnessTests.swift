import SSHDAuditCore
import Testing

/// Hostile and damaged input: every prefix and many corruptions of real outputs must parse (with
/// diagnostics) and evaluate without trapping.
@Suite("Firewall parsers on damaged input")
struct FirewallRobustnessTests {
    @Test("every truncation of an nft -j fixture is survived", arguments: ["firewalld", "sshguard", "fail2ban"])
    func truncatedJSON(name: String) throws {
        let bytes = Array(try FirewallFixture.text("nft/\(name).json").utf8)
        // The document proper ends at its last `}`; only a trailing newline follows it.
        let documentEnd = try #require(bytes.lastIndex(of: UInt8(ascii: "}"))) + 1
        for length in stride(from: 0, to: documentEnd, by: 7) {
            let parsed = NftablesRulesetParser.parse(Array(bytes[..<length]))
            let flagged = parsed.hasErrors
            #expect(flagged, "a document cut at byte \(length) was not reported")
            _ = FirewallEvaluator.blocks(in: parsed.value, port: 22)
        }
    }

    @Test("byte corruptions of nft -j and iptables-save fixtures are survived")
    func corrupted() throws {
        var generator = SplitMix64(seed: 0x5eed)
        let json = Array(try FirewallFixture.text("nft/firewalld.json").utf8)
        let rules = Array(try FirewallFixture.text("iptables/ufw.rules").utf8)
        let alphabet = Array("{}[]\",:0123456789-!\\ \n\tabc@/".utf8) + [0, 0xFF, 0xC3]
        for _ in 0..<300 {
            var damagedJSON = json
            var damagedRules = rules
            for _ in 0..<4 {
                damagedJSON[Int(generator.next() % UInt64(damagedJSON.count))] =
                    alphabet[Int(generator.next() % UInt64(alphabet.count))]
                damagedRules[Int(generator.next() % UInt64(damagedRules.count))] =
                    alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            let port = UInt16(truncatingIfNeeded: generator.next())
            _ = FirewallEvaluator.blocks(in: NftablesRulesetParser.parse(damagedJSON).value, port: port)
            let text = String(decoding: damagedRules, as: UTF8.self)
            _ = FirewallEvaluator.blocks(in: IptablesSaveParser.parse(text).value, port: port)
        }
    }

    @Test("a chain that jumps to itself or in a cycle ends the walk")
    func cycles() {
        let text = """
            *filter
            :INPUT DROP [0:0]
            :A - [0:0]
            :B - [0:0]
            -A INPUT -j A
            -A A -j B
            -A B -j A
            -A B -g B
            COMMIT
            """
        let blocks = FirewallEvaluator.blocks(in: IptablesSaveParser.parse(text).value, port: 22)
        #expect(blocks.map(\.rule) == ["policy drop"])
    }
}
