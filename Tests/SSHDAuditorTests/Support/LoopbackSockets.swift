import Glibc

/// Listeners and connections on loopback that a test opens to give the socket readers something to
/// find; ``close()`` closes every one of them (call it in a `defer`).
///
/// Each listener gets a port from the kernel (bind to port 0). Connections go to the listeners in turn
/// and are accepted, leaving established pairs; `pending` more per listener are left unaccepted, so the
/// listener's accept queue (Recv-Q) is known.
final class LoopbackSockets {
    /// A listener and how many connections wait in its accept queue.
    struct Listener: Hashable {
        var family: Int32
        var port: UInt16
        var pending: UInt32
    }

    private(set) var listeners: [Listener] = []
    private var descriptors: [Int32] = []

    /// Opens `listenerCount` listeners, alternating 127.0.0.1 and ::1 when `ipv6`, then
    /// `connectionCount` accepted connections spread over them, and `pending` unaccepted ones on each.
    init(listenerCount: Int, connectionCount: Int, pending: UInt32, ipv6: Bool) throws {
        do {
            var listenerDescriptors: [Int32] = []
            for index in 0..<listenerCount {
                let family = ipv6 && index % 2 == 1 ? AF_INET6 : AF_INET
                let (descriptor, port) = try self.listen(family: family)
                listenerDescriptors.append(descriptor)
                self.listeners.append(Listener(family: family, port: port, pending: pending))
            }
            for index in 0..<connectionCount {
                let listener = self.listeners[index % listenerCount]
                try self.connect(family: listener.family, port: listener.port)
                let accepted = accept(listenerDescriptors[index % listenerCount], nil, nil)
                guard accepted >= 0 else { throw Self.failure("accept") }
                self.descriptors.append(accepted)
            }
            for listener in self.listeners {
                for _ in 0..<pending { try self.connect(family: listener.family, port: listener.port) }
            }
        } catch {
            self.close()
            throw error
        }
    }

    /// Closes every socket; idempotent.
    func close() {
        for descriptor in self.descriptors { Glibc.close(descriptor) }
        self.descriptors = []
    }

    /// Whether ::1 can be bound on this host.
    static var hasIPv6Loopback: Bool {
        let descriptor = Glibc.socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        var address = Self.address6(port: 0)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
            }
        }
    }

    // MARK: - Helpers

    private func listen(family: Int32) throws -> (Int32, UInt16) {
        let descriptor = try self.socket(family: family)
        let bound = Self.withAddress(family: family, port: 0) { address, length in
            var length = length
            return bind(descriptor, address, length) == 0 && Glibc.listen(descriptor, 64) == 0
                && getsockname(descriptor, address, &length) == 0
                ? Self.port(of: address, family: family) : nil
        }
        guard let port = bound else { throw Self.failure("bind/listen") }
        return (descriptor, port)
    }

    private func connect(family: Int32, port: UInt16) throws {
        let descriptor = try self.socket(family: family)
        let connected = Self.withAddress(family: family, port: port) { address, length in
            Glibc.connect(descriptor, address, length) == 0
        }
        guard connected else { throw Self.failure("connect to port \(port)") }
    }

    private func socket(family: Int32) throws -> Int32 {
        let descriptor = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket") }
        self.descriptors.append(descriptor)
        return descriptor
    }

    private static func withAddress<T>(
        family: Int32,
        port: UInt16,
        _ body: (UnsafeMutablePointer<sockaddr>, socklen_t) -> T
    ) -> T {
        if family == AF_INET6 {
            var address = Self.address6(port: port)
            return withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = port.bigEndian
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private static func address6(port: UInt16) -> sockaddr_in6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        address.sin6_port = port.bigEndian
        return address
    }

    private static func port(of address: UnsafeMutablePointer<sockaddr>, family: Int32) -> UInt16 {
        if family == AF_INET6 {
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                UInt16(bigEndian: $0.pointee.sin6_port)
            }
        }
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
    }

    private static func failure(_ call: String) -> LiveTestError {
        LiveTestError("\(call): \(String(cString: strerror(errno)))")
    }
}
