import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// Configs generated from a fixed seed (so a failure reproduces): global lines mixed with Match blocks and
/// evaluated for varied connections, each compared key by key with the real `sshd -T`. When sshd refuses a
/// generated config, the auditor must refuse it too.
@Suite("Generated sshd_configs compared with the real sshd -T")
struct SSHDConfigGeneratedDifferentialTests {
    static let globalLines = [
        "Port 2222", "Port 22", "ListenAddress 127.0.0.1", "ListenAddress [::1]:2200", "AddressFamily inet",
        "AddressFamily any", "MaxStartups 5", "MaxStartups 2:50:10", "PerSourceMaxStartups 3",
        "PerSourceNetBlockSize 24:48", "UsePAM yes", "UsePAM no", "StrictModes no", "LoginGraceTime 1m",
        "LoginGraceTime 45", "PermitRootLogin no", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
        "PasswordAuthentication yes", "PubkeyAuthentication no", "MaxAuthTries 3",
        "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u", "AllowUsers alice bob", "DenyUsers eve",
        "AllowGroups staff", "X11Forwarding yes", "Compression no", "ClientAliveInterval 30", "TCPKeepAlive no",
        "LogLevel VERBOSE", "AcceptEnv LANG LC_*", "Ciphers +aes128-cbc", "Banner /etc/issue.net", "IPQoS cs1",
        "KbdInteractiveAuthentication no", "PrintMotd no", "UseDNS yes", "MaxSessions 4", "GatewayPorts yes",
        "AllowTcpForwarding local", "passwordauthentication=no", "MAXAUTHTRIES = 5",
    ]
    static let matchHeaders = [
        "Match User alice", "Match User adm*,!admin-robot", "Match Group root", "Match Address 10.0.0.0/8",
        "Match Address 10.0.0.0/8,!10.1.0.0/16", "Match Host *.example.org", "Match LocalAddress 192.0.2.0/24",
        "Match LocalPort 2222", "Match all", "Match User alice Address 10.*", "Match Address ::1,127.0.0.0/8",
    ]
    static let matchLines = [
        "PasswordAuthentication yes", "PasswordAuthentication no", "PermitRootLogin no", "AllowUsers carol",
        "DenyUsers dave", "MaxAuthTries 2", "AuthorizedKeysFile .ssh/other", "X11Forwarding no",
        "ForceCommand /usr/bin/true", "ChrootDirectory /srv", "PubkeyAuthentication no", "MaxSessions 1",
        "AllowTcpForwarding no", "Banner none", "ClientAliveInterval 10", "LogLevel DEBUG",
        "KbdInteractiveAuthentication yes", "AcceptEnv TZ", "PermitTTY no",
    ]
    static let connections = [
        "user=alice,addr=10.2.3.4,host=a.example.org,laddr=192.0.2.1,lport=2222",
        "user=admin-robot,addr=10.1.2.3,lport=22",
        "user=root,addr=127.0.0.1,host=x.example.com,laddr=127.0.0.1,lport=22",
        "user=admin-alice,addr=::1,lport=2222", "user=bob,lport=22",
    ]
    static let count = 60

    /// SplitMix64: small, fast and the same on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func generate(_ index: Int) -> (config: String, connection: String) {
        var random = Generator(state: 0x5EED_0000 + UInt64(index))
        var lines = (0..<Int.random(in: 2...8, using: &random)).map { _ in globalLines.randomElement(using: &random)! }
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            lines.append(matchHeaders.randomElement(using: &random)!)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                lines.append("    " + matchLines.randomElement(using: &random)!)
            }
        }
        return (lines.joined(separator: "\n") + "\n", connections.randomElement(using: &random)!)
    }

    @Test("60 generated configs give sshd -T's output, or sshd's refusal")
    func generated() throws {
        guard let sandbox = try SSHDConfigCase.make(copying: "sshd_config-cases/01-empty") else { return }
        defer { sandbox.remove() }
        var comparedKeys = 0
        var refused = 0
        for index in 0..<Self.count {
            let (text, spec) = Self.generate(index)
            try text.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
            let real = try runCommand(
                SSHDConfigDifferentialTests.sshd,
                ["-T", "-f", sandbox.configPath, "-h", sandbox.hostKey, "-C", spec],
                timeout: .seconds(30)
            )
            let ours = SSHDConfigLoader().load(path: sandbox.configPath, connection: try SSHDConnectionSpec.parse(spec))
            guard real.status == 0 else {
                refused += 1
                #expect(
                    ours.hasErrors,
                    "sshd refused config #\(index) but the auditor accepted it:\n\(text)\(real.stderr)"
                )
                continue
            }
            #expect(!ours.hasErrors, "config #\(index): \(ours.diagnostics)\n\(text)")
            let expected = SSHDConfigDifferentialTests.group(real.stdout)
            let actual = SSHDConfigDifferentialTests.group(ours.value.text)
            for key in Set(expected.keys).union(actual.keys).subtracting(["hostkey"]).sorted() {
                comparedKeys += 1
                #expect(
                    expected[key] == actual[key],
                    "config #\(index) -C \(spec): \(key): sshd \(expected[key] ?? []) auditor \(actual[key] ?? [])\n\(text)"
                )
            }
        }
        print("generated: \(Self.count) configs, \(refused) refused by sshd, \(comparedKeys) keys compared")
        #expect(comparedKeys > 0)
    }
}
