import Glibc
import SSHDAuditCore

/// The real system behind sshd_config evaluation: glob(3), files on disk, the group database and
/// getaddrinfo(3), all as sshd itself would see them.
///
/// `root` re-roots absolute paths (for a config tree copied off another machine, or test fixtures):
/// with root `/srv/fixture`, `Include /etc/ssh/sshd_config.d/*.conf` reads
/// `/srv/fixture/etc/ssh/sshd_config.d/*.conf` and reports the paths as sshd would name them.
public struct SystemSSHDConfigEnvironment: SSHDConfigEnvironment {
    /// The directory absolute paths are resolved under; `/` for the live system.
    public var root: String

    public init(root: String = "/") {
        self.root = root
    }

    /// A file that could not be read; the message is the C library's.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        public var description: String { "\(self.path): \(String(cString: strerror(self.errno)))" }
    }

    /// A glob(3) failure other than "no match".
    public struct GlobError: Error, Sendable, CustomStringConvertible {
        public var pattern: String
        public var code: Int32
        public var description: String { "glob \(self.pattern) failed (\(self.code))" }
    }

    private func onDisk(_ path: String) -> String {
        guard self.root != "/", path.hasPrefix("/") else { return path }
        return self.root.hasSuffix("/") ? self.root + path.dropFirst() : self.root + path
    }

    private func fromDisk(_ path: String) -> String {
        guard self.root != "/", path.hasPrefix(self.root) else { return path }
        let stripped = String(path.dropFirst(self.root.hasSuffix("/") ? self.root.count - 1 : self.root.count))
        return stripped.hasPrefix("/") ? stripped : "/" + stripped
    }

    /// The corresponding C function is `glob(3)`, called with no flags, as sshd does.
    public func expandGlob(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let status = glob(self.onDisk(pattern), 0, nil, &result)
        if status == GLOB_NOMATCH { return [] }
        guard status == 0 else { throw GlobError(pattern: pattern, code: status) }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { self.fromDisk(String(cString: $0)) }
        }
    }

    /// Reads the whole file with open(2)/read(2).
    public func readFile(atPath path: String) throws -> [UInt8] {
        let fd = open(self.onDisk(path), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(path: path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// The corresponding C functions are `getpwnam_r(3)`, `getgrouplist(3)` and `getgrgid_r(3)`, which is
    /// how sshd's `ga_init` lists a user's groups.
    public func groupNames(ofUser user: String) -> [String]? {
        var passwd = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var storage = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(user, &passwd, &storage, storage.count, &found) == 0, found != nil else { return nil }
        var count: Int32 = 64
        var gids = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, passwd.pw_gid, &gids, &count) == -1 {
            gids = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, passwd.pw_gid, &gids, &count) != -1 else { return nil }
        }
        return gids.prefix(Int(count)).compactMap { gid in
            var group = group()
            var result: UnsafeMutablePointer<group>?
            var buffer = [CChar](repeating: 0, count: 16384)
            guard getgrgid_r(gid, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
            return String(cString: group.gr_name)
        }
    }

    /// The corresponding C function is `getaddrinfo(3)` with `SOCK_STREAM`, as sshd's `add_one_listen_addr`.
    public func resolve(hostName: String, family: SSHDAddressFamily) -> [SSHDConfigAddress]? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family =
            switch family {
            case .any: AF_UNSPEC
            case .inet: AF_INET
            case .inet6: AF_INET6
            }
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(hostName, "22", &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var addresses: [SSHDConfigAddress] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let entry = current {
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                entry.pointee.ai_addr,
                entry.pointee.ai_addrlen,
                &host,
                socklen_t(host.count),
                nil,
                0,
                NI_NUMERICHOST
            ) == 0,
                let address = SSHDConfigAddress(String(cString: host))
            {
                addresses.append(address)
            }
            current = entry.pointee.ai_next
        }
        return addresses
    }
}
