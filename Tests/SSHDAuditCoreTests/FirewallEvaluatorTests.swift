import SSHDAuditCore
import Testing

@Suite("FirewallEvaluator")
struct FirewallEvaluatorTests {
    @Test("an empty Debian ruleset blocks nothing", arguments: [22, 2222] as [UInt16])
    func debianDefault(port: UInt16) throws {
        #expect(FirewallEvaluator.blocks(in: try FirewallFixture.nftables("debian-default"), port: port).isEmpty)
        #expect(FirewallEvaluator.blocks(in: try FirewallFixture.iptables("debian-default"), port: port).isEmpty)
    }

    @Test("firewalld's public zone lets ssh in and rejects other ports at the end of filter_INPUT")
    func firewalld() throws {
        let ruleset = try FirewallFixture.nftables("firewalld")
        #expect(FirewallEvaluator.blocks(in: ruleset, port: 22).isEmpty)
        #expect(FirewallEvaluator.blocks(in: ruleset, port: 9090).isEmpty)
        let blocks = FirewallEvaluator.blocks(in: ruleset, port: 2222)
        #expect(blocks.count == 1)
        let block = try #require(blocks.first)
        #expect(block.chain == "filter_INPUT")
        #expect(block.action == .reject)
        #expect(block.rule == "reject with icmpx admin-prohibited")
        #expect(block.scope == .allSources)
        // Reached through the zone chains, so the public zone's accepts (not for 2222) are no exception.
        #expect(block.blocksEveryone)
    }

    @Test("a drop policy with an ssh accept blocks only the other ports")
    func dropPolicy() throws {
        for ruleset in [
            try FirewallFixture.nftables("drop-policy-ssh-accept"),
            try FirewallFixture.iptables("drop-policy-ssh-accept"),
        ] {
            #expect(FirewallEvaluator.blocks(in: ruleset, port: 22).isEmpty)
            let other = FirewallEvaluator.blocks(in: ruleset, port: 2222)
            #expect(other.map(\.rule) == ["policy drop"])
            #expect(other.first?.action == .drop)
            #expect(other.first?.blocksEveryone == true)
            // 8022 is accepted from one network only: the policy drops everyone else.
            let partial = try #require(FirewallEvaluator.blocks(in: ruleset, port: 8022).first)
            #expect(partial.rule == "policy drop")
            #expect(partial.exceptions.count == 1)
            #expect(!partial.blocksEveryone)
        }
        // In the inet table the accept is `ip saddr 10.0.0.0/8`: IPv6 clients have no exception.
        let inet = FirewallEvaluator.blocks(in: try FirewallFixture.nftables("drop-policy-ssh-accept"), port: 8022)
        #expect(inet.map(\.onlyFamily) == ["ip", "ip6"])
        #expect(inet.map(\.blocksEveryone) == [false, true])
        #expect(inet.last?.description.contains("(drop, IPv6 only, all sources)") == true)
        // For 2222 both families meet the same policy: one block.
        let both = FirewallEvaluator.blocks(in: try FirewallFixture.nftables("drop-policy-ssh-accept"), port: 2222)
        #expect(both.count == 1)
        #expect(both.first?.onlyFamily == nil)
    }

    @Test("IPv4 and IPv6 rules are walked separately")
    func families() {
        let ipv4 = IptablesSaveParser.parse("*filter\n:INPUT DROP [0:0]\nCOMMIT\n", family: "ip").value
        let ipv6 = IptablesSaveParser.parse(
            "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j REJECT\nCOMMIT\n",
            family: "ip6"
        ).value
        let combined = FirewallRuleset.combining(nftables: nil, iptables: [ipv4, ipv6], iptablesUsesNftables: false)
        let blocks = FirewallEvaluator.blocks(in: combined, port: 22)
        #expect(blocks.map(\.family) == ["ip", "ip6"])
        #expect(blocks.map(\.action) == [.drop, .reject])
        let fromIPv6 = FirewallEvaluator.blocks(in: combined, port: 22, source: IPAddress("2001:db8::1"))
        #expect(fromIPv6.map(\.family) == ["ip6"])
    }

    @Test("the iptables policy block carries the chain's line")
    func policyLine() throws {
        let block = try #require(
            FirewallEvaluator.blocks(in: try FirewallFixture.iptables("drop-policy-ssh-accept"), port: 80).first
        )
        #expect(block.line == 3)
        #expect(block.description.contains("iptables ip filter INPUT line 3: policy drop (drop, all sources)"))
    }

    @Test("a known source decides source-restricted accepts")
    func sourceDecides() throws {
        let ruleset = try FirewallFixture.iptables("drop-policy-ssh-accept")
        let inside = try #require(IPAddress("192.168.10.5"))
        let outside = try #require(IPAddress("203.0.113.1"))
        #expect(FirewallEvaluator.blocks(in: ruleset, port: 8022, source: inside).isEmpty)
        #expect(FirewallEvaluator.blocks(in: ruleset, port: 8022, source: outside).first?.blocksEveryone == true)
    }

    @Test("a REJECT on the port is found with its line, established traffic is no block")
    func rejectPort() throws {
        let blocks = FirewallEvaluator.blocks(in: try FirewallFixture.iptables("reject-22"), port: 22)
        #expect(blocks.count == 1)
        #expect(blocks.first?.action == .reject)
        #expect(blocks.first?.line == 7)
        #expect(blocks.first?.rule == "-A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset")
        #expect(FirewallEvaluator.blocks(in: try FirewallFixture.iptables("reject-22"), port: 23).isEmpty)
        let nft = try FirewallFixture.nftables("reject-2222")
        #expect(FirewallEvaluator.blocks(in: nft, port: 2222).first?.scope == .allSources)
        #expect(FirewallEvaluator.blocks(in: nft, port: 3005).first?.action == .reject)
        #expect(FirewallEvaluator.blocks(in: nft, port: 22).isEmpty)
    }

    @Test(
        "multiport lists and negated lists",
        arguments: [
            (22, FirewallBlock.Action.drop), (21, .drop), (443, .drop), (5000, .reject),
        ] as [(UInt16, FirewallBlock.Action)]
    )
    func multiport(port: UInt16, action: FirewallBlock.Action) throws {
        let blocks = FirewallEvaluator.blocks(in: try FirewallFixture.iptables("multiport"), port: port)
        #expect(blocks.map(\.action) == [action])
    }

    @Test("multiport leaves unlisted low ports alone")
    func multiportOpen() throws {
        #expect(FirewallEvaluator.blocks(in: try FirewallFixture.iptables("multiport"), port: 25).isEmpty)
    }

    @Test("ufw: ssh allowed, limit rule conditional, other ports dropped by policy")
    func ufw() throws {
        let ruleset = try FirewallFixture.iptables("ufw")
        #expect(FirewallEvaluator.blocks(in: ruleset, port: 22).isEmpty)
        let limited = FirewallEvaluator.blocks(in: ruleset, port: 2022)
        #expect(limited.count == 1)
        #expect(limited.first?.chain == "ufw-user-limit")
        guard case .conditional(let why) = limited.first?.scope else {
            Issue.record("expected a conditional block, got \(limited)")
            return
        }
        #expect(why.contains("--hitcount 6"))
        let closed = FirewallEvaluator.blocks(in: ruleset, port: 8080)
        #expect(closed.map(\.rule) == ["policy drop"])
        #expect(closed.first?.blocksEveryone == true)
        // Samba's port is dropped explicitly by ufw-skip-to-policy-input.
        #expect(FirewallEvaluator.blocks(in: ruleset, port: 445).first?.chain == "ufw-skip-to-policy-input")
    }

    @Test("fail2ban's chain is one ban list with its member count")
    func fail2ban() throws {
        let blocks = FirewallEvaluator.blocks(in: try FirewallFixture.iptables("fail2ban"), port: 22)
        #expect(blocks.count == 1)
        let block = try #require(blocks.first)
        #expect(block.chain == "f2b-sshd")
        #expect(block.action == .reject)
        #expect(block.scope == .listedAddresses(count: 3, lists: ["f2b-sshd"]))
        #expect(block.line == 8)
        #expect(FirewallEvaluator.blocks(in: try FirewallFixture.iptables("fail2ban"), port: 80).isEmpty)
        let banned = try #require(IPAddress("198.51.100.44"))
        let innocent = try #require(IPAddress("192.0.2.1"))
        #expect(
            FirewallEvaluator.blocks(in: try FirewallFixture.iptables("fail2ban"), port: 22, source: banned).count == 1
        )
        #expect(
            FirewallEvaluator.blocks(in: try FirewallFixture.iptables("fail2ban"), port: 22, source: innocent).isEmpty
        )

        let nft = FirewallEvaluator.blocks(in: try FirewallFixture.nftables("fail2ban"), port: 22)
        #expect(nft.count == 1)
        #expect(nft.first?.scope == .listedAddresses(count: 3, lists: ["@addr-set-sshd"]))
        #expect(nft.first?.table == "f2b-table")
    }

    @Test("sshguard's sets are ban lists on every port, per family")
    func sshguard() throws {
        let blocks = FirewallEvaluator.blocks(in: try FirewallFixture.nftables("sshguard"), port: 22)
        #expect(blocks.map(\.family) == ["ip", "ip6"])
        #expect(
            blocks.map(\.scope) == [
                .listedAddresses(count: 2, lists: ["@attackers"]), .listedAddresses(count: 1, lists: ["@attackers"]),
            ]
        )
        #expect(blocks.allSatisfy { $0.action == .drop })
        let iptables = FirewallEvaluator.blocks(in: try FirewallFixture.iptables("sshguard"), port: 22)
        #expect(iptables.map(\.scope) == [.listedAddresses(count: 2, lists: ["sshguard"])])
        let attacker = try #require(IPAddress("198.51.100.77"))
        #expect(
            FirewallEvaluator.blocks(in: try FirewallFixture.nftables("sshguard"), port: 22, source: attacker).count
                == 1
        )
    }

    @Test("interfaces other than lo, rate limits and unknown sets make a block conditional")
    func conditional() {
        let text = """
            *filter
            :INPUT ACCEPT [0:0]
            :LOOP - [0:0]
            -A INPUT -i lo -p tcp --dport 22 -j DROP
            -A INPUT -i eth1 -p tcp --dport 22 -j DROP
            -A INPUT -p tcp --dport 22 -m set --match-set blocklist src -j DROP
            -A INPUT -j LOOP
            -A LOOP -j LOOP
            COMMIT
            """
        let blocks = FirewallEvaluator.blocks(in: IptablesSaveParser.parse(text).value, port: 22)
        #expect(blocks.count == 2)
        #expect(blocks.first?.scope == .conditional("arriving on eth1"))
        #expect(blocks.last?.scope == .listedAddresses(count: nil, lists: ["ipset blocklist"]))
    }

    @Test("iptables-nft tables are read from iptables-save, not twice from nft")
    func combining() throws {
        let iptables = try FirewallFixture.iptables("reject-22")
        var nft = try FirewallFixture.nftables("reject-2222")
        nft.chains.append(
            FirewallRuleset.Chain(backend: .nftables, family: "ip", table: "filter", name: "INPUT", hook: "input")
        )
        let combined = FirewallRuleset.combining(nftables: nft, iptables: [iptables], iptablesUsesNftables: true)
        #expect(
            combined.chains.filter { $0.table == "filter" && $0.family == "ip" }.allSatisfy { $0.backend == .iptables }
        )
        #expect(combined.chains.contains { $0.backend == .nftables && $0.family == "inet" })
        let legacy = FirewallRuleset.combining(nftables: nft, iptables: [iptables], iptablesUsesNftables: false)
        #expect(legacy.chains.count == combined.chains.count + 1)
    }

    @Test("--syn counts as a new connection; ingress and prerouting chains run before input")
    func synAndHooks() {
        let iptables = IptablesSaveParser.parse(
            """
            *filter
            :INPUT ACCEPT [0:0]
            -A INPUT -p tcp --dport 22 ! --syn -j DROP
            -A INPUT -p tcp --dport 22 --syn -j REJECT
            COMMIT
            """
        )
        #expect(FirewallEvaluator.blocks(in: iptables.value, port: 22).map(\.action) == [.reject])

        let ingress = FirewallRuleset.Chain(
            backend: .nftables,
            family: "netdev",
            table: "edge",
            name: "ingress",
            hook: "ingress",
            type: "filter",
            priority: 0,
            policy: .accept,
            rules: [
                FirewallRuleset.Rule(
                    text: "tcp dport 22 drop",
                    conditions: [.destinationPort(.ranges([22...22]), negated: false)],
                    verdict: .drop
                )
            ]
        )
        let input = FirewallRuleset.Chain(
            backend: .nftables,
            family: "inet",
            table: "filter",
            name: "input",
            hook: "input",
            type: "filter",
            priority: -500,
            policy: .drop
        )
        let blocks = FirewallEvaluator.blocks(in: FirewallRuleset(chains: [input, ingress]), port: 22)
        // The ingress drop is final: the input chain's policy never sees the packet.
        #expect(blocks.map(\.chain) == ["ingress"])
    }
}
