import CSystemd
import SystemPackage

/// A libsystemd call that failed: which call, the errno it returned, and the D-Bus error when there is one.
///
/// libsystemd reports failure as a negative errno; ``check(_:_:)`` turns that into this error in one place
/// so every message reads like "sd_bus_open_system failed: No such file or directory (ENOENT)".
public struct SystemdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The C function that failed, for example `sd_bus_open_system`.
    public var operation: String
    /// The errno it returned (negated back to positive).
    public var errno: Errno
    /// The D-Bus error name, such as `org.freedesktop.systemd1.NoSuchUnit`, when the call produced one.
    public var busErrorName: String?
    /// The D-Bus error message, when the call produced one.
    public var busErrorMessage: String?

    public init(operation: String, errno: Errno, busErrorName: String? = nil, busErrorMessage: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.busErrorName = busErrorName
        self.busErrorMessage = busErrorMessage
    }

    public var description: String {
        var text = "\(self.operation) failed: \(self.errno)"
        if let name = self.busErrorName {
            text += " [\(name)"
            if let message = self.busErrorMessage, !message.isEmpty { text += ": \(message)" }
            text += "]"
        }
        return text
    }
}

/// Runs one libsystemd call and turns a negative return into a ``SystemdError`` naming the call.
///
/// Every `sd_*` call in this module goes through here; none discards its result.
@discardableResult
func check(_ operation: StaticString, _ body: () -> CInt) throws(SystemdError) -> CInt {
    let result = body()
    guard result >= 0 else {
        throw SystemdError(operation: "\(operation)", errno: Errno(rawValue: -result))
    }
    return result
}

/// Runs one sd-bus call that reports a D-Bus error, and turns a negative return into a ``SystemdError``
/// carrying the call's name, the errno, and the D-Bus error name and message.
///
/// `body` gets the `sd_bus_error` to pass to the call; this helper owns it and frees it.
@discardableResult
func checkBus(
    _ operation: StaticString,
    _ body: (UnsafeMutablePointer<sd_bus_error>) -> CInt
) throws(SystemdError) -> CInt {
    var error = sd_bus_error()
    defer { sd_bus_error_free(&error) }
    let result = body(&error)
    guard result >= 0 else {
        throw SystemdError(
            operation: "\(operation)",
            errno: Errno(rawValue: -result),
            busErrorName: error.name.map { String(cString: $0) },
            busErrorMessage: error.message.map { String(cString: $0) }
        )
    }
    return result
}
