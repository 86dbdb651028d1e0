import Foundation
import TestSupport
import Testing

/// The hardened unit, started by a real systemd with sshd running beside it: does its sandbox still let the
/// auditor read everything it must? A probe script stands in for the binary under the unit's own settings
/// (only the type and command are overridden by a drop-in), so the test holds the unit, not the daemon.
@Suite("Hardened unit in a real systemd")
struct UnitSandboxTests {
    static let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/sandbox.sh").path

    /// What the probe checks, one `name=value` line each, written to the unit's RuntimeDirectory.
    static let probe = """
        #!/bin/bash
        out="$RUNTIME_DIRECTORY/probe.txt"
        {
        echo "user=$(id -un)"
        echo "groups=$(id -Gn)"
        /usr/sbin/sshd -t 2>/dev/null; echo "sshd_t=$?"
        pid=$(busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/ssh_2eservice \\
            org.freedesktop.systemd1.Service MainPID 2>/dev/null | awk '{print $2}')
        echo "bus_mainpid=${pid:-none}"
        echo "socket_fds=$(ls -l /proc/${pid:-0}/fd 2>/dev/null | grep -c 'socket:')"
        echo "title=$(tr '\\0' ' ' </proc/${pid:-0}/cmdline 2>/dev/null)"
        echo "tcp_listen_22=$(grep -c ': 00000000:0016 ' /proc/net/tcp)"
        echo "journal_lines=$(journalctl -u ssh.service --no-pager -q 2>/dev/null | wc -l)"
        echo x >"$STATE_DIRECTORY/probe" 2>/dev/null && echo "state_writable=yes"
        echo x >/etc/ssh/probe 2>/dev/null || echo "etc_ssh_readonly=yes"
        } >"$out.tmp" 2>&1
        mv "$out.tmp" "$out"
        """

    static let dropIn = """
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=
        ExecStart=/usr/local/bin/sshd-auditor-probe
        WatchdogSec=0
        """

    @Test("as the sshd-auditor user it runs sshd -t, asks the bus, maps sshd's sockets, reads the journal")
    func probe() throws {
        guard TestEnvironment.require(TestEnvironment.isRoot, "booting a systemd sandbox needs root"),
            TestEnvironment.require(
                FileManager.default.fileExists(atPath: Self.script),
                "scripts/sandbox.sh (the real-systemd sandbox) is not in this tree"
            )
        else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sshd-auditor-unit-\(UUID().uuidString.prefix(8))"
        )
        let boot = try runCommand("/bin/bash", [Self.script, "boot", directory.path], timeout: .seconds(300))
        let pidText = boot.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let pid = try #require(Int32(pidText), "sandbox did not boot: \(boot.stderr)")
        defer { _ = try? runCommand("/bin/bash", [Self.script, "poweroff", String(pid)], timeout: .seconds(60)) }

        func inside(_ command: String, input: String? = nil) throws -> CommandResult {
            try runCommand(
                "/bin/bash",
                [Self.script, "exec", String(pid), "/bin/sh", "-c", command],
                input: input,
                timeout: .seconds(60)
            )
        }
        let unit = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("systemd/sshd-auditor.service"),
            encoding: .utf8
        )
        let sysusers = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("systemd/sshd-auditor.sysusers"),
            encoding: .utf8
        )
        _ = try inside(
            "cat >/usr/local/bin/sshd-auditor-probe && chmod 0755 /usr/local/bin/sshd-auditor-probe",
            input: Self.probe
        )
        _ = try inside("cat >/etc/systemd/system/sshd-auditor.service", input: unit)
        _ = try inside(
            "mkdir -p /etc/systemd/system/sshd-auditor.service.d && cat >/etc/systemd/system/sshd-auditor.service.d/probe.conf",
            input: Self.dropIn
        )
        let users = try inside(
            "mkdir -p /usr/lib/sysusers.d && cat >/usr/lib/sysusers.d/sshd-auditor.conf && systemd-sysusers /usr/lib/sysusers.d/sshd-auditor.conf",
            input: sysusers
        )
        #expect(users.status == 0, "\(users.stderr)")
        let start = try inside(
            "systemctl daemon-reload && systemctl start sshd-auditor.service && cat /run/sshd-auditor/probe.txt"
        )
        #expect(start.status == 0, "\(start.stderr)")
        print("unit probe in the sandbox:\n\(start.stdout)")

        var values: [String: String] = [:]
        for line in start.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        #expect(values["user"] == "sshd-auditor")
        #expect(values["groups"]?.contains("systemd-journal") == true)
        #expect(values["sshd_t"] == "0", "sshd -t must read the host keys (CAP_DAC_READ_SEARCH)")
        #expect(Int(values["bus_mainpid"] ?? "") ?? 0 > 0, "the system bus must answer")
        #expect(Int(values["socket_fds"] ?? "") ?? 0 > 0, "sshd's socket fds must be readable (CAP_SYS_PTRACE)")
        #expect(values["title"]?.contains("[listener]") == true)
        #expect(Int(values["tcp_listen_22"] ?? "") ?? 0 > 0, "/proc/net/tcp must be the host's")
        #expect(Int(values["journal_lines"] ?? "") ?? 0 > 0, "sshd's journal lines must be readable")
        #expect(values["state_writable"] == "yes")
        #expect(values["etc_ssh_readonly"] == "yes")
    }
}
