import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// Reads real rules with the real tools, inside a network namespace the test creates and deletes:
/// the host's own firewall is never touched.
@Suite("FirewallReader (live, in a private network namespace)")
struct FirewallReaderTests {
    @Test("tools that are absent are reported as not installed")
    func notInstalled() {
        let snapshot = FirewallReader(searchDirectories: ["/nonexistent"]).read()
        #expect(snapshot.sources.map(\.tool) == ["nft", "iptables-save", "ip6tables-save"])
        #expect(snapshot.sources.allSatisfy { $0.status == .notInstalled })
        #expect(snapshot.isBlind)
        #expect(snapshot.ruleset.chains.isEmpty)
    }

    @Test("an unprivileged reader is told plainly that it lacks the privilege")
    func permissionDenied() {
        guard TestEnvironment.require(TestEnvironment.isRoot, "needs root to drop to nobody with setpriv") else {
            return
        }
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
                    && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"),
                "needs util-linux's setpriv and nftables"
            )
        else { return }
        let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        let snapshot = FirewallReader(commandPrefix: nobody).read()
        let nft = snapshot.sources.first { $0.tool == "nft" }
        guard case .permissionDenied(let message) = nft?.status else {
            Issue.record("expected permission denied for nft, got \(String(describing: nft))")
            return
        }
        #expect(message.contains("Operation not permitted"))
        #expect(nft?.status.description.hasPrefix("permission denied (run as root or with CAP_NET_ADMIN)") == true)
        #expect(snapshot.isBlind)
    }

    @Test("finds an nftables reject and an iptables drop installed in a namespace, each once")
    func liveNamespace() throws {
        guard TestEnvironment.require(TestEnvironment.isRoot, "needs root to create a network namespace") else {
            return
        }
        let tools = ["/usr/sbin/ip", "/usr/sbin/nft", "/usr/sbin/iptables", "/usr/sbin/iptables-save"]
        guard
            TestEnvironment.require(
                tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                "needs iproute2, nftables and iptables (scripts/install-deps.sh)"
            )
        else { return }

        let namespace = "sshd-auditor-fw-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let added = try runCommand("/usr/sbin/ip", ["netns", "add", namespace], timeout: .seconds(20))
        try #require(added.status == 0, "ip netns add: \(added.stderr)")
        defer { _ = try? runCommand("/usr/sbin/ip", ["netns", "delete", namespace], timeout: .seconds(20)) }
        let exec = ["/usr/sbin/ip", "netns", "exec", namespace]

        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("\(namespace).nft")
        try """
        table inet sshd_auditor_test {
            chain input {
                type filter hook input priority filter; policy accept;
                ct state established,related accept
                tcp dport 2222 counter reject with tcp reset
            }
        }
        """.write(to: rules, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: rules) }
        let loaded = try runCommand(
            exec[0],
            Array(exec.dropFirst()) + ["/usr/sbin/nft", "-f", rules.path],
            timeout: .seconds(20)
        )
        try #require(loaded.status == 0, "nft -f: \(loaded.stderr)")
        let appended = try runCommand(
            exec[0],
            Array(exec.dropFirst()) + [
                "/usr/sbin/iptables", "-A", "INPUT", "-p", "tcp", "--dport", "2223", "-j", "DROP",
            ],
            timeout: .seconds(20)
        )
        try #require(appended.status == 0, "iptables -A: \(appended.stderr)")

        let snapshot = FirewallReader(commandPrefix: exec).read()
        #expect(snapshot.sources.first { $0.tool == "nft" }?.status == .read)
        #expect(snapshot.sources.first { $0.tool == "iptables-save" }?.status == .read)
        #expect(!snapshot.isBlind)

        let nftBlocks = FirewallEvaluator.blocks(in: snapshot.ruleset, port: 2222)
        #expect(nftBlocks.count == 1)
        #expect(nftBlocks.first?.backend == .nftables)
        #expect(nftBlocks.first?.table == "sshd_auditor_test")
        #expect(nftBlocks.first?.action == .reject)
        #expect(nftBlocks.first?.scope == .allSources)
        #expect(nftBlocks.first?.handle != nil)

        // iptables-nft keeps its rule in nftables too; it must be reported once, from iptables-save.
        let iptablesBlocks = FirewallEvaluator.blocks(in: snapshot.ruleset, port: 2223)
        #expect(iptablesBlocks.count == 1)
        #expect(iptablesBlocks.first?.backend == .iptables)
        #expect(iptablesBlocks.first?.action == .drop)
        #expect(iptablesBlocks.first?.rule == "-A INPUT -p tcp -m tcp --dport 2223 -j DROP")
        #expect(iptablesBlocks.first?.line != nil)

        #expect(FirewallEvaluator.blocks(in: snapshot.ruleset, port: 22).isEmpty)
    }
}
