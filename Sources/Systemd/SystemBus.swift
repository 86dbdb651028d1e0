import CSystemd
import Glibc
import SystemPackage

/// A connection to the D-Bus system bus, used to read systemd units' state.
///
/// The connection is owned (`sd_bus_open_system`, not the thread-bound default bus) and closed in `deinit`
/// with `sd_bus_flush_close_unref`. sd-bus connections are not thread-safe, so `SystemBus` is not `Sendable`:
/// use it from one task or thread. Every method call has a timeout (``init(address:callTimeout:)``), so a
/// hung systemd cannot hang the caller.
///
/// When the bus goes away (dbus restarted), calls fail with ``SystemdError``; ``isOpen`` turns `false`.
/// ``UnitWatcher`` reconnects by itself; one-shot readers open a new `SystemBus`.
public final class SystemBus {
    /// The `sd_bus*`; valid until `deinit`.
    let handle: OpaquePointer

    private static let systemdService = "org.freedesktop.systemd1"
    private static let unitInterface = "org.freedesktop.systemd1.Unit"
    private static let serviceInterface = "org.freedesktop.systemd1.Service"
    private static let socketInterface = "org.freedesktop.systemd1.Socket"

    /// Connects to the system bus.
    ///
    /// - Parameters:
    ///   - address: a D-Bus address such as `unix:path=/proc/1234/root/run/dbus/system_bus_socket` (a
    ///     container's bus seen from the host); `nil` for this machine's system bus (honours
    ///     `DBUS_SYSTEM_BUS_ADDRESS`).
    ///   - callTimeout: the longest any method call may take.
    ///
    /// The corresponding C functions are `sd_bus_open_system(3)`, or `sd_bus_new(3)`,
    /// `sd_bus_set_address(3)`, `sd_bus_set_bus_client(3)` and `sd_bus_start(3)` for an explicit address;
    /// then `sd_bus_set_method_call_timeout(3)`.
    public init(address: String? = nil, callTimeout: Duration = .seconds(5)) throws(SystemdError) {
        var bus: OpaquePointer?
        if let address {
            try check("sd_bus_new") { sd_bus_new(&bus) }
            do {
                try check("sd_bus_set_address") { sd_bus_set_address(bus, address) }
                // A bus client says Hello and gets a unique name, which systemd's Subscribe() tracks.
                try check("sd_bus_set_bus_client") { sd_bus_set_bus_client(bus, 1) }
                try check("sd_bus_start") { sd_bus_start(bus) }
            } catch {
                sd_bus_flush_close_unref(bus)
                throw error
            }
        } else {
            try check("sd_bus_open_system") { sd_bus_open_system(&bus) }
        }
        guard let bus else { throw SystemdError(operation: "sd_bus_open_system", errno: .noSuchFileOrDirectory) }
        do {
            try check("sd_bus_set_method_call_timeout") {
                sd_bus_set_method_call_timeout(bus, UInt64(clamping: callTimeout.microseconds))
            }
        } catch {
            sd_bus_flush_close_unref(bus)
            throw error
        }
        self.handle = bus
    }

    deinit {
        sd_bus_flush_close_unref(self.handle)
    }

    /// Whether the connection is still up. The corresponding C function is `sd_bus_is_open(3)`.
    public var isOpen: Bool { sd_bus_is_open(self.handle) > 0 }

    // MARK: - Units

    /// The D-Bus object path of the unit named `name`, such as `/org/freedesktop/systemd1/unit/ssh_2eservice`.
    ///
    /// The corresponding C function is `sd_bus_path_encode(3)`.
    public static func unitPath(for name: String) throws(SystemdError) -> String {
        var encoded: UnsafeMutablePointer<CChar>?
        try check("sd_bus_path_encode") { sd_bus_path_encode("/org/freedesktop/systemd1/unit", name, &encoded) }
        defer { free(encoded) }
        return encoded.map { String(cString: $0) } ?? ""
    }

    /// Reads the state of the unit `name` (a unit name or one of its aliases).
    ///
    /// Reading a unit's object path makes systemd load the unit if it is not loaded yet (as `LoadUnit`
    /// would), so a unit that does not exist comes back with ``UnitStatus/loadState`` `not-found` rather
    /// than as an error, and an alias comes back with the real unit's ``UnitStatus/id``.
    ///
    /// The corresponding C functions are `sd_bus_get_property_string(3)`, `sd_bus_get_property_trivial(3)`
    /// and `sd_bus_get_property(3)`.
    public func unitStatus(named name: String) throws(SystemdError) -> UnitStatus {
        let path = try Self.unitPath(for: name)
        let unit = Self.unitInterface
        var status = UnitStatus(
            name: name,
            id: try self.string(path, unit, "Id"),
            loadState: try self.string(path, unit, "LoadState"),
            activeState: try self.string(path, unit, "ActiveState"),
            subState: try self.string(path, unit, "SubState")
        )
        let entered: UInt64 = try self.trivial(path, unit, "ActiveEnterTimestamp", type: "t", initial: 0)
        status.activeEnterTimestampMicroseconds = entered == 0 ? nil : entered
        let changed: UInt64 = try self.trivial(path, unit, "StateChangeTimestamp", type: "t", initial: 0)
        status.stateChangeTimestampMicroseconds = changed == 0 ? nil : changed
        guard status.isLoaded else { return status }
        if status.id.hasSuffix(".service") {
            let service = Self.serviceInterface
            status.result = try self.string(path, service, "Result")
            let pid: UInt32 = try self.trivial(path, service, "MainPID", type: "u", initial: 0)
            status.mainPID = pid == 0 ? nil : Int32(bitPattern: pid)
            status.restarts = try self.trivial(path, service, "NRestarts", type: "u", initial: 0)
            status.execMainStatus = try self.trivial(path, service, "ExecMainStatus", type: "i", initial: 0)
        } else if status.id.hasSuffix(".socket") {
            status.result = try self.string(path, Self.socketInterface, "Result")
            status.listen = try self.listenAddresses(path)
        }
        return status
    }

    /// When the unit named `name` last changed its active or sub state (`StateChangeTimestamp`, microseconds
    /// since the Unix epoch), `nil` when it never did: one property call, to tell whether a unit changed since
    /// ``unitStatus(named:)`` read it.
    ///
    /// The corresponding C function is `sd_bus_get_property_trivial(3)`.
    public func unitStateChangeTimestamp(named name: String) throws(SystemdError) -> UInt64? {
        let path = try Self.unitPath(for: name)
        let changed: UInt64 = try self.trivial(path, Self.unitInterface, "StateChangeTimestamp", type: "t", initial: 0)
        return changed == 0 ? nil : changed
    }

    /// The first of `names` that systemd has loaded, as its own name (`Id`): for example
    /// `firstLoadedUnit(among: ["ssh.service", "sshd.service"])` finds the OpenSSH unit on Debian (where
    /// `sshd.service` is an alias) and on Fedora (where only `sshd.service` exists). `nil` when none is.
    public func firstLoadedUnit(among names: [String]) throws(SystemdError) -> String? {
        for name in names {
            let status = try self.unitStatus(named: name)
            if status.isLoaded { return status.id }
        }
        return nil
    }

    /// Asks systemd to send `PropertiesChanged` signals for units to this connection. systemd emits unit
    /// signals on the system bus only while some client is subscribed, and ends a subscription when its
    /// client disconnects.
    ///
    /// The corresponding C functions are `sd_bus_message_new_method_call(3)` and `sd_bus_call(3)`
    /// (the method is `org.freedesktop.systemd1.Manager.Subscribe`).
    public func subscribeToUnitSignals() throws(SystemdError) {
        var message: OpaquePointer?
        try check("sd_bus_message_new_method_call") {
            sd_bus_message_new_method_call(
                self.handle,
                &message,
                Self.systemdService,
                "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager",
                "Subscribe"
            )
        }
        defer { sd_bus_message_unref(message) }
        var reply: OpaquePointer?
        try checkBus("sd_bus_call") { error in sd_bus_call(self.handle, message, 0, error, &reply) }
        sd_bus_message_unref(reply)
    }

    // MARK: - Property helpers

    private func string(_ path: String, _ interface: String, _ member: String) throws(SystemdError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        try checkBus("sd_bus_get_property_string") { error in
            sd_bus_get_property_string(self.handle, Self.systemdService, path, interface, member, error, &value)
        }
        defer { free(value) }
        return value.map { String(cString: $0) } ?? ""
    }

    /// Reads a fixed-size property; `type` is its D-Bus signature character and must match `T`'s layout.
    private func trivial<T: BitwiseCopyable>(
        _ path: String,
        _ interface: String,
        _ member: String,
        type: Unicode.Scalar,
        initial: T
    ) throws(SystemdError) -> T {
        var value = initial
        try checkBus("sd_bus_get_property_trivial") { error in
            sd_bus_get_property_trivial(
                self.handle,
                Self.systemdService,
                path,
                interface,
                member,
                error,
                CChar(UInt8(ascii: type)),
                &value
            )
        }
        return value
    }

    /// Reads a socket unit's `Listen` property, of D-Bus type `a(ss)`.
    private func listenAddresses(_ path: String) throws(SystemdError) -> [ListenAddress] {
        var reply: OpaquePointer?
        try checkBus("sd_bus_get_property") { error in
            sd_bus_get_property(
                self.handle,
                Self.systemdService,
                path,
                Self.socketInterface,
                "Listen",
                error,
                &reply,
                "a(ss)"
            )
        }
        defer { sd_bus_message_unref(reply) }
        var addresses: [ListenAddress] = []
        try check("sd_bus_message_enter_container") {
            sd_bus_message_enter_container(reply, CChar(UInt8(ascii: "a")), "(ss)")
        }
        while try check(
            "sd_bus_message_enter_container",
            { sd_bus_message_enter_container(reply, CChar(UInt8(ascii: "r")), "ss") }
        ) > 0 {
            let type = try Self.readString(reply)
            let address = try Self.readString(reply)
            try check("sd_bus_message_exit_container") { sd_bus_message_exit_container(reply) }
            addresses.append(ListenAddress(type: type, address: address))
        }
        try check("sd_bus_message_exit_container") { sd_bus_message_exit_container(reply) }
        return addresses
    }

    /// Reads one string from `message`; the pointer it yields belongs to the message.
    private static func readString(_ message: OpaquePointer?) throws(SystemdError) -> String {
        var value: UnsafePointer<CChar>?
        try check("sd_bus_message_read_basic") {
            sd_bus_message_read_basic(message, CChar(UInt8(ascii: "s")), &value)
        }
        return value.map { String(cString: $0) } ?? ""
    }
}

extension Duration {
    /// The duration in whole microseconds, the unit libsystemd's timeouts use; negative becomes 0.
    var microseconds: Int64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0 else { return 0 }
        return seconds.multipliedReportingOverflow(by: 1_000_000).overflow
            ? .max : seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
