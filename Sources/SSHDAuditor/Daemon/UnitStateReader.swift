import Logging
import SSHDAuditCore
import Systemd

/// Reads the ssh service unit and its socket unit over one system-bus connection, reopened after a
/// failure, so a restarted dbus costs one cycle of "unknown" and no more.
///
/// Not `Sendable`: it owns a ``SystemBus``; keep it in one actor.
final class UnitStateReader {
    /// The service and socket unit, either `nil` when it could not be read or is not installed.
    struct Units: Sendable {
        var service: UnitHealth?
        var socket: UnitHealth?
        /// Why the bus could not be asked, when it could not.
        var problem: String?
        /// Each unit read and its `StateChangeTimestamp` then, for ``UnitStateReader/changed(since:)``.
        var stateChanges: [(unit: String, timestamp: UInt64?)] = []
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
    ///
    /// Each unit is read once: about 18 property calls over the bus for a service and its socket.
    func read() -> Units {
        do {
            let bus = try self.openBus()
            var first: UnitStatus?
            var loaded: UnitStatus?
            for name in self.candidates {
                let status = try bus.unitStatus(named: name)
                if first == nil { first = status }
                if status.isLoaded {
                    loaded = status
                    break
                }
            }
            guard let loaded else {
                // No candidate is loaded: report the first as not-found so the checks can say so.
                let missing = try first ?? bus.unitStatus(named: self.candidates.first ?? "ssh.service")
                return Units(service: UnitHealth(missing), socket: nil)
            }
            let service = UnitHealth(loaded)
            var units = Units(service: service, socket: nil)
            units.stateChanges.append((loaded.id, loaded.stateChangeTimestampMicroseconds))
            if let socketName = Self.socketName(forService: service.name) {
                let status = try bus.unitStatus(named: socketName)
                if status.isLoaded {
                    units.socket = UnitHealth(status)
                    units.stateChanges.append((status.id, status.stateChangeTimestampMicroseconds))
                }
            }
            return units
        } catch {
            self.bus = nil
            return Units(service: nil, socket: nil, problem: "system bus: \(error)")
        }
    }

    /// Whether a unit that `units` read has changed state since (its `StateChangeTimestamp`, which systemd
    /// sets on every change of the active or sub state, differs): one property call per unit instead of a
    /// full read. `true` when the bus cannot be asked, so the caller's full read reports why; `false` when
    /// `units` itself could not be read.
    func changed(since units: Units) -> Bool {
        guard units.problem == nil else { return false }
        do {
            let bus = try self.openBus()
            for (unit, timestamp) in units.stateChanges
            where try bus.unitStateChangeTimestamp(named: unit) != timestamp {
                return true
            }
            return false
        } catch {
            return true
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
