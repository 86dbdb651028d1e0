import Testing

@testable import SSHDAuditCore

@Suite("Auditor configuration")
struct AuditorConfigurationTests {
    @Test("an empty file gives the defaults")
    func defaults() {
        let parsed = AuditorConfiguration.parse("")
        #expect(parsed.value == .default)
        #expect(parsed.value.effectiveSSHUnits == ["ssh.service", "sshd.service"])
        #expect(parsed.value.pollInterval == .seconds(30))
        #expect(parsed.value.enabledChecks == CheckID.allCases)
    }

    @Test("every key is read")
    func everyKey() {
        let text = """
            [SSH]
            Units=sshd.service
            SSHDBinary=/opt/openssh/sbin/sshd
            SSHDConfig=/opt/openssh/etc/sshd_config
            ExpectedPorts=22 2222
            [Sources]
            ProcRoot=/host/proc
            LogSource=file
            AuthLog=/var/log/secure
            [Daemon]
            PollInterval=1min 30s
            RuntimeDirectory=/run/x
            StateDirectory=/var/lib/x
            PrometheusTextfile=/var/lib/node_exporter/sshd.prom
            [Alerts]
            ReraiseInterval=1h
            AlertOnUnknown=no
            [Checks]
            Disable=auth-failure-burst firewall-blocks-port
            AuthFailureBurstThreshold=5
            AuthFailureBurstWindow=30s
            RestartLoopThreshold=2
            LogWindow=2min
            """
        let parsed = AuditorConfiguration.parse(text, file: "/etc/sshd-auditor.conf")
        #expect(parsed.diagnostics.isEmpty)
        let expected = AuditorConfiguration(
            sshUnits: ["sshd.service"],
            sshdBinary: "/opt/openssh/sbin/sshd",
            sshdConfigPath: "/opt/openssh/etc/sshd_config",
            expectedPorts: [22, 2222],
            procRoot: "/host/proc",
            logSource: .file,
            authLogPath: "/var/log/secure",
            pollInterval: .seconds(90),
            runtimeDirectory: "/run/x",
            stateDirectory: "/var/lib/x",
            reraiseInterval: .seconds(3600),
            alertOnUnknown: false,
            prometheusTextfile: "/var/lib/node_exporter/sshd.prom",
            disabledChecks: [.authFailureBurst, .firewallBlocksPort],
            authFailureBurstThreshold: 5,
            authFailureBurstWindow: .seconds(30),
            restartLoopThreshold: 2,
            logWindow: .seconds(120)
        )
        #expect(parsed.value == expected)
        #expect(!parsed.value.enabledChecks.contains(.authFailureBurst))
    }

    @Test("drop-ins apply on top: lists accumulate, an empty value resets, a later value wins")
    func dropInSemantics() {
        let main = AuditorConfiguration.parse("[Checks]\nDisable=sshd-down\n[Daemon]\nPollInterval=10s\n").value
        let dropIn = AuditorConfiguration.parse(
            "[Checks]\nDisable=port-mismatch\n[Daemon]\nPollInterval=\n[SSH]\nUnits=ssh.service\nUnits=sshd.service\n",
            base: main
        ).value
        #expect(dropIn.disabledChecks == [.sshdDown, .portMismatch])
        #expect(dropIn.pollInterval == .seconds(30))
        #expect(dropIn.sshUnits == ["ssh.service", "sshd.service"])
        let reset = AuditorConfiguration.parse("[Checks]\nDisable=\n[SSH]\nUnits=auto\n", base: dropIn).value
        #expect(reset.disabledChecks.isEmpty)
        #expect(reset.sshUnits == nil)
    }

    @Test(
        "a bad key or value is an error naming file and line, and the setting keeps its value",
        arguments: [
            ("[Daemon]\nPollInterval=soon", "PollInterval=soon"),
            ("[Daemon]\nPollInterval=0", "longer than zero"),
            ("[Daemon]\nPolInterval=5s", "unknown key 'PolInterval' in section [Daemon]"),
            ("[Deamon]\nPollInterval=5s", "unknown section [Deamon]"),
            ("[Checks]\nDisable=sshd-dwn", "unknown check id: sshd-dwn"),
            ("[Checks]\nAuthFailureBurstThreshold=-3", "not a positive integer"),
            ("[SSH]\nExpectedPorts=22 70000", "not a port number: 70000"),
            ("[SSH]\nSSHDConfig=etc/ssh/sshd_config", "not an absolute path"),
            ("[SSH]\nUnits=ssh", "not a service unit name: ssh"),
            ("[Sources]\nLogSource=syslog", "expected auto, journal or file"),
            ("[Alerts]\nAlertOnUnknown=perhaps", "expected a boolean"),
        ]
    )
    func badValues(text: String, message: String) throws {
        let parsed = AuditorConfiguration.parse("# header\n" + text, file: "/etc/sshd-auditor.conf.d/50-local.conf")
        let diagnostic = try #require(parsed.diagnostics.first)
        #expect(parsed.diagnostics.count == 1)
        #expect(diagnostic.file == "/etc/sshd-auditor.conf.d/50-local.conf")
        #expect(diagnostic.line == 3)
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.contains(message), "\(diagnostic)")
        #expect(parsed.value == .default)
    }

    @Test("every key renders its default in a form it reads back")
    func renderRoundTrip() {
        for key in AuditorConfigurationKey.all {
            var configuration = AuditorConfiguration.default
            #expect(key.apply(&configuration, key.render(.default)) == nil, "\(key.name)")
            #expect(configuration == .default, "\(key.name)")
        }
        let names = AuditorConfigurationKey.all.map { "\($0.section).\($0.name)" }
        #expect(Set(names).count == names.count)
        #expect(Set(AuditorConfigurationKey.all.map(\.section)) == Set(AuditorConfigurationKey.sections))
    }

    /// Found by the auditor-config fuzz target: syntax diagnostics were listed before bad-value ones.
    @Test("diagnostics come in line order, syntax and value errors mixed")
    func diagnosticsInLineOrder() {
        let text = """
            [Daemon]
            PollInterval=soon
            not an assignment
            """
        let parsed = AuditorConfiguration.parse(text, file: "a.conf")
        #expect(parsed.diagnostics.map(\.line) == [2, 3])
    }
}
