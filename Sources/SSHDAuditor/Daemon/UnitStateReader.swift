import Logging
import SSHDAuditCore
import Systemd

/// Reads the ssh service unit and its socket unit over one system-bus connection, reopened after a
/// failure, so a restarted dbus costs one cycle of "unknown" and no more.
///
/// Not `Sendable`: it owns a ``SystemBus``; keep it in one actor.
final class UnitStateReader {
    /// The service and socket unit, either `nil` when it could not be read or is not installed.
    struct Units {
        var service: UnitHealth?
        var socket: UnitHealth?
        /// Why the bus could not be asked, when it could not.
        var problem: String?
    }

    private let candidates: [String]
    private let busAddress: String?
    private var bus: SystemBus?

    /// - Parameters:
    ///   - candidates: service names in order of preference (`ssh.service`, `sshd.service`).
    ///   - busAddress: a D-Bus address, or `nil` for the system bus.
    init(candidates: [String], busAddress: String? = nil) {
        self.candidates = candidates
        self.busAddress = busAddress
    }

    /// The first loaded candidate's state and its `.socket` twin's, when that is loaded.
    func read() -> Units {
        do {
            let bus = try self.openBus()
            guard let name = try bus.firstLoadedUnit(among: self.candidates) else {
                // No candidate is loaded: report the first as not-found so the checks can say so.
                let missing = try bus.unitStatus(named: self.candidates.first ?? "ssh.service")
                return Units(service: UnitHealth(missing), socket: nil)
            }
            let service = UnitHealth(try bus.unitStatus(named: name))
            var socket: UnitHealth?
            if let socketName = Self.socketName(forService: service.name) {
                let status = try bus.unitStatus(named: socketName)
                if status.isLoaded { socket = UnitHealth(status) }
            }
            return Units(service: service, socket: socket)
        } catch {
            self.bus = nil
            return Units(service: nil, socket: nil, problem: "system bus: \(error)")
        }
    }

    /// The name of the service unit that was read last, or the first candidate.
    static func socketName(forService service: String) -> String? {
        guard service.hasSuffix(".service") else { return nil }
        return String(service.dropLast(".service".count)) + ".socket"
    }

    private func openBus() throws(SystemdError) -> SystemBus {
        if let bus = self.bus, bus.isOpen { return bus }
        let bus = try SystemBus(address: self.busAddress)
        self.bus = bus
        return bus
    }
}
