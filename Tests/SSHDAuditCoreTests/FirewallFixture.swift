import Foundation
import SSHDAuditCore
import Testing

/// Reads the firewall fixtures under `Fixtures/firewall/`.
enum FirewallFixture {
    static func text(_ path: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/firewall/\(path)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The nftables fixture `name` (`nft/NAME.json`), parsed; the parse must be clean.
    static func nftables(_ name: String) throws -> FirewallRuleset {
        let parsed = NftablesRulesetParser.parse(try self.text("nft/\(name).json"), file: name)
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
        return parsed.value
    }

    /// The iptables-save fixture `name` (`iptables/NAME.rules`), parsed; the parse must be clean.
    static func iptables(_ name: String, family: String = "ip") throws -> FirewallRuleset {
        let parsed = IptablesSaveParser.parse(try self.text("iptables/\(name).rules"), family: family, file: name)
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
        return parsed.value
    }
}
