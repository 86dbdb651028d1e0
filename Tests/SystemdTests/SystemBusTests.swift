import Foundation
import SystemPackage
import Systemd
import TestSupport
import Testing

extension SandboxedTests {
    /// `SystemBus` against the sandbox's real systemd, reached from the host through /proc/PID/root.
    @Suite("SystemBus")
    struct SystemBusTests {
        @Test("reads ssh.service's state, and agrees with systemctl show")
        func readsServiceState() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let bus = try SystemBus(address: sandbox.busAddress)
            #expect(bus.isOpen)

            let status = try bus.unitStatus(named: "ssh.service")
            print("ssh.service: \(status)")
            #expect(status.id == "ssh.service")
            #expect(status.loadState == "loaded")
            #expect(status.activeState == "active")
            #expect(status.subState == "running")
            #expect(status.result == "success")
            #expect(status.restarts == 0)
            #expect(status.execMainStatus == 0)
            #expect(status.listen.isEmpty)

            let shown = try systemctlShow(
                sandbox,
                "ssh.service",
                ["MainPID", "ActiveEnterTimestampMonotonic", "ActiveEnterTimestamp"]
            )
            #expect(status.mainPID.map(String.init) == shown["MainPID"])
            #expect(status.mainPID.map { $0 > 0 } == true)
            #expect(status.activeEnterTimestampMicroseconds != nil)
            // The sandbox booted seconds ago: the timestamp must be recent on the host's clock as well.
            let entered = Double(status.activeEnterTimestampMicroseconds ?? 0) / 1_000_000
            #expect(abs(Date().timeIntervalSince1970 - entered) < 300)
        }

        @Test("resolves the sshd.service alias to ssh.service, and reports a missing unit as not-found")
        func resolvesAliasesAndMissingUnits() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let bus = try SystemBus(address: sandbox.busAddress)

            let alias = try bus.unitStatus(named: "sshd.service")
            #expect(alias.name == "sshd.service")
            #expect(alias.id == "ssh.service")
            #expect(alias.isActive)

            let missing = try bus.unitStatus(named: "no-such-unit-\(UUID().uuidString.prefix(8)).service")
            #expect(missing.loadState == "not-found")
            #expect(missing.activeState == "inactive")
            #expect(missing.mainPID == nil)

            #expect(try bus.firstLoadedUnit(among: ["nope.service", "sshd.service", "ssh.service"]) == "ssh.service")
            #expect(try bus.firstLoadedUnit(among: ["nope.service"]) == nil)

            // Not a unit name at all: systemd answers with a D-Bus error, which the SystemdError carries.
            let error = try #require(throws: SystemdError.self) { try bus.unitStatus(named: "no/such unit") }
            print("invalid unit name: \(error)")
            #expect(error.operation == "sd_bus_get_property_string")
            #expect(error.busErrorName != nil)
        }

        @Test("reads ssh.socket's Listen addresses, as systemctl shows them")
        func readsSocketListen() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            let bus = try SystemBus(address: sandbox.busAddress)

            let socket = try bus.unitStatus(named: "ssh.socket")
            #expect(socket.isLoaded)
            #expect(socket.activeState == "inactive")  // Debian ships it disabled; ssh.service owns port 22
            #expect(socket.result == "success")
            // systemctl prints Listen as "address (type)" per entry, e.g. "[::]:22 (Stream)".
            let shown = try sandbox.runChecked(["systemctl", "show", "-p", "Listen", "--value", "ssh.socket"])
            let expected = shown.split(separator: "\n").filter { !$0.isEmpty }.map { line in
                let parts = line.split(separator: " ")
                return ListenAddress(type: String(parts[1].dropFirst().dropLast()), address: String(parts[0]))
            }
            #expect(!expected.isEmpty)
            #expect(socket.listen == expected)
            #expect(socket.listen.contains(ListenAddress(type: "Stream", address: "[::]:22")))
        }

        @Test("fails naming the call when the bus address leads nowhere")
        func failsOnBadAddress() throws {
            let error = try #require(throws: SystemdError.self) {
                try SystemBus(address: "unix:path=/nonexistent/\(UUID().uuidString)/bus")
            }
            #expect(error.operation == "sd_bus_start")
            #expect(error.errno == .noSuchFileOrDirectory)
        }
    }
}

/// `systemctl show -p A -p B UNIT` inside the sandbox, as a dictionary.
func systemctlShow(_ sandbox: Sandbox, _ unit: String, _ properties: [String]) throws -> [String: String] {
    let output = try sandbox.runChecked(["systemctl", "show", unit] + properties.flatMap { ["-p", $0] })
    var values: [String: String] = [:]
    for line in output.split(separator: "\n") {
        guard let equals = line.firstIndex(of: "=") else { continue }
        values[String(line[..<equals])] = String(line[line.index(after: equals)...])
    }
    return values
}
