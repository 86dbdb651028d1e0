import Foundation
import TestSupport
import Testing

extension SandboxedTests {
    /// The real-systemd sandbox itself: it boots, runs commands, and leaves nothing behind.
    @Suite("Sandbox")
    struct SandboxTests {
        @Test("boots systemd with dbus, journald and ssh.service, then powers off leaving nothing behind")
        func bootsAndCleansUp() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            print("sandbox booted in \(sandbox.bootDuration) (pid \(sandbox.pid))")

            let active = try sandbox.run([
                "systemctl", "is-active", "ssh.service", "dbus.service", "systemd-journald.service",
            ])
            #expect(active.stdout.split(separator: "\n") == ["active", "active", "active"])
            #expect(
                FileManager.default.fileExists(
                    atPath: sandbox.busAddress.replacingOccurrences(of: "unix:path=", with: "")
                )
            )
            #expect(
                try sandbox.runChecked(["cat", "/proc/1/comm"]).trimmingCharacters(in: .whitespacesAndNewlines)
                    == "systemd"
            )
            #expect(try sandbox.hostMounts().isEmpty, "the sandbox's mounts must stay in its own mount namespace")

            #expect(sandbox.processesInside().contains(sandbox.pid))
            let poweringOff = ContinuousClock.now
            try sandbox.powerOff()
            print("sandbox powered off and removed in \(ContinuousClock.now - poweringOff)")
            #expect(kill(sandbox.pid, 0) != 0, "the sandbox's systemd must be gone after power-off")
            #expect(sandbox.processesInside().isEmpty, "no process may be left running in the sandbox")
            #expect(!FileManager.default.fileExists(atPath: sandbox.directory.path))
            #expect(try sandbox.hostMounts().isEmpty)
        }

        @Test("powers off by itself when the handle goes away without powerOff()")
        func powersOffOnDeinit() throws {
            var pid: Int32 = 0
            var directory = ""
            do {
                guard let sandbox = try bootSandboxForTest() else { return }
                pid = sandbox.pid
                directory = sandbox.directory.path
                #expect(!sandbox.processesInside().isEmpty)
            }
            #expect(kill(pid, 0) != 0, "deinit must have powered the sandbox off")
            #expect(!FileManager.default.fileExists(atPath: directory))
        }

        @Test("copies a file in and runs it")
        func installsAndRuns() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-hello-\(UUID()).sh")
            try "#!/bin/sh\necho \"hello from $(cat /etc/hostname)\"\n".write(
                to: script,
                atomically: true,
                encoding: .utf8
            )
            defer { try? FileManager.default.removeItem(at: script) }

            try sandbox.install(script.path, at: "/usr/local/bin/hello")
            #expect(try sandbox.runChecked(["/usr/local/bin/hello"]) == "hello from sandbox\n")
        }
    }
}

/// Boots a sandbox for a test, or returns `nil` (having recorded why) when this machine cannot: in CI that is
/// a failure, never a silent skip. A boot that fails where booting is possible throws, failing the test.
func bootSandboxForTest(sourceLocation: SourceLocation = #_sourceLocation) throws -> Sandbox? {
    let availability = Sandbox.availability
    guard TestEnvironment.require(availability.available, availability.reason, sourceLocation: sourceLocation) else {
        return nil
    }
    return try Sandbox.boot()
}
