import Testing

@testable import SSHDAuditCore

@Suite("Config and port checks: config-invalid, config-not-applied, port-mismatch")
struct ConfigChecksTests {
    @Test("sshd -t failing is critical before anything breaks, with its messages")
    func configInvalid() throws {
        var snapshot = SnapshotBuilder.healthy()
        #expect(ConfigInvalidCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.configTest = ConfigTestResult(
            exitStatus: 255,
            messages: [
                "/etc/ssh/sshd_config line 14: Bad configuration option: Prot",
                "terminating, 1 bad configuration options",
            ]
        )
        let finding = try #require(SnapshotBuilder.only(ConfigInvalidCheck().evaluate(snapshot)))
        #expect(finding.severity == .critical)
        #expect(finding.summary.contains("line 14: Bad configuration option: Prot"))
        #expect(finding.fields[FindingField.configTestStatus] == "255")
        #expect(finding.fields[FindingField.configErrors]?.contains("; terminating") == true)
        snapshot.configTest = nil
        #expect(ConfigInvalidCheck().evaluate(snapshot).first?.severity == .unknown)
    }

    @Test("edited but not restarted: config-not-applied says what moved; port-mismatch stays ok")
    func editedNotRestarted() throws {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.sshdConfig = SnapshotBuilder.sshdConfig("Port 2222\n")
        let finding = try #require(SnapshotBuilder.only(ConfigNotAppliedCheck().evaluate(snapshot)))
        #expect(finding.severity == .warning)
        #expect(finding.fields[FindingField.configuredPorts] == "2222")
        #expect(finding.fields[FindingField.listeningPorts] == "22")
        #expect(finding.summary.contains("configured but not listening: 0.0.0.0:2222 [::]:2222"))
        #expect(finding.summary.contains("listening but no longer configured: 0.0.0.0:22 [::]:22"))
        #expect(PortMismatchCheck().evaluate(snapshot).first?.severity == .ok)
    }

    @Test("an on-disk config sshd -t rejects is config-invalid's alone: config-not-applied does not diff it")
    func invalidIsNotPending() throws {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.sshdConfig = SnapshotBuilder.sshdConfig("Port 2222\n")
        snapshot.configTest = ConfigTestResult(
            exitStatus: 255,
            messages: ["/etc/ssh/sshd_config.d/e2e.conf line 1: unsupported option \"maybe-later\"."]
        )
        let finding = try #require(SnapshotBuilder.only(ConfigNotAppliedCheck().evaluate(snapshot)))
        #expect(finding.severity == .ok)
        #expect(finding.summary.contains("see config-invalid"))
        #expect(ConfigInvalidCheck().evaluate(snapshot).first?.severity == .critical)
    }

    @Test("sshd stopped: port-mismatch is ok and says sshd is not running, not that no port is configured")
    func stoppedHoldsNothing() throws {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.service = UnitHealth(name: "ssh.service", activeState: "inactive", subState: "dead")
        snapshot.listeners = []
        let finding = try #require(SnapshotBuilder.only(PortMismatchCheck().evaluate(snapshot)))
        #expect(finding.severity == .ok)
        #expect(finding.summary == "sshd is not running: no port to hold (see sshd-down)")
    }

    @Test("as configured: both ok; a host without IPv6 missing [::]:22 is still as configured")
    func asConfigured() {
        var snapshot = SnapshotBuilder.healthy()
        #expect(ConfigNotAppliedCheck().evaluate(snapshot).first?.severity == .ok)
        #expect(PortMismatchCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.listeners = [SnapshotBuilder.sshd("0.0.0.0", 22)]
        #expect(ConfigNotAppliedCheck().evaluate(snapshot).first?.severity == .ok)
    }

    @Test("socket activation: systemd's dual-stack [::]:22 serves the configured 0.0.0.0:22")
    func socketActivated() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.service = UnitHealth(name: "ssh.service", activeState: "inactive", subState: "dead")
        snapshot.socket = UnitHealth(name: "ssh.socket", activeState: "active", subState: "listening")
        snapshot.listeners = [SnapshotBuilder.socket("::", 22, pid: 1, command: "systemd")]
        #expect(ConfigNotAppliedCheck().evaluate(snapshot).first?.severity == .ok)
        #expect(PortMismatchCheck().evaluate(snapshot).first?.severity == .ok)
    }

    @Test("another process holds the configured port: port-mismatch names it")
    func foreignHolder() throws {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.sshdConfig = SnapshotBuilder.sshdConfig("Port 22\nListenAddress 0.0.0.0\n")
        snapshot.service = UnitHealth(
            name: "ssh.service",
            activeState: "failed",
            subState: "failed",
            result: "exit-code"
        )
        snapshot.listeners = [SnapshotBuilder.socket("0.0.0.0", 22, pid: 4242, command: "nc")]
        let finding = try #require(SnapshotBuilder.only(PortMismatchCheck().evaluate(snapshot)))
        #expect(finding.severity == .critical)
        #expect(finding.fields[FindingField.portHolder] == "nc[4242]")
        #expect(finding.summary.contains("0.0.0.0:22 held by nc[4242]"))
    }

    @Test("a bind failure in the log window, or an expected port not served, is a port mismatch")
    func bindFailureAndExpectedPorts() throws {
        var snapshot = SnapshotBuilder.healthy()
        let bindFailure = SSHDLogEvent(
            kind: .bindFailed,
            listenerAddress: "::",
            listenerPort: 22,
            detail: "Address already in use"
        )
        snapshot.setLogEvents([TimedLogEvent(time: SnapshotBuilder.now - .seconds(5), event: bindFailure)])
        let bind = try #require(SnapshotBuilder.only(PortMismatchCheck().evaluate(snapshot)))
        #expect(bind.severity == .critical)
        #expect(bind.summary.contains("could not bind :: port 22: Address already in use"))
        // Outside the window it no longer counts.
        snapshot.setLogEvents([TimedLogEvent(time: SnapshotBuilder.now - .seconds(600), event: bindFailure)])
        #expect(PortMismatchCheck().evaluate(snapshot).first?.severity == .ok)

        snapshot.configuration.expectedPorts = [22, 2222]
        let expected = try #require(SnapshotBuilder.only(PortMismatchCheck().evaluate(snapshot)))
        #expect(expected.severity == .critical)
        #expect(expected.summary.contains("expected port 2222"))
    }

    @Test("no socket table: unknown")
    func unknown() {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.listeners = nil
        #expect(PortMismatchCheck().evaluate(snapshot).first?.severity == .unknown)
        #expect(ConfigNotAppliedCheck().evaluate(snapshot).first?.severity == .unknown)
    }

    @Test("no owners readable (no CAP_SYS_PTRACE): sockets on the configured ports stand for sshd's")
    func ownersUnknown() throws {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.listeners = [
            SnapshotBuilder.socket("0.0.0.0", 22, pid: nil), SnapshotBuilder.socket("::", 22, pid: nil),
        ]
        #expect(snapshot.sshdListeners == nil)
        #expect(ConfigNotAppliedCheck().evaluate(snapshot).first?.severity == .ok)
        #expect(PortMismatchCheck().evaluate(snapshot).first?.severity == .ok)
        snapshot.sshdConfig = SnapshotBuilder.sshdConfig("Port 2222\n")
        let finding = try #require(SnapshotBuilder.only(ConfigNotAppliedCheck().evaluate(snapshot)))
        #expect(finding.severity == .warning)
        #expect(finding.fields[FindingField.listeningPorts] == "")
    }

    @Test("sshd on the port and another process on a specific address of it: the other one is named")
    func sharedPort() throws {
        var snapshot = SnapshotBuilder.healthy()
        snapshot.listeners = [
            SnapshotBuilder.sshd("0.0.0.0", 22),
            SnapshotBuilder.sshd("::", 22),
            SnapshotBuilder.socket("127.0.0.1", 22, pid: 999, command: "socat"),
            SnapshotBuilder.socket("127.0.0.1", 8080, pid: 998, command: "python3"),
        ]
        let finding = try #require(SnapshotBuilder.only(PortMismatchCheck().evaluate(snapshot)))
        #expect(finding.severity == .critical)
        #expect(finding.fields[FindingField.portHolder] == "socat[999]")
        #expect(finding.fields[FindingField.listeningAddresses] == "0.0.0.0:22 [::]:22")
        #expect(ConfigNotAppliedCheck().evaluate(snapshot).first?.severity == .ok)
    }
}
