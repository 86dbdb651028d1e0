import SSHDAuditCore
import Synchronization

/// The real file system for the sshd_config evaluator, remembering every file it read and what was in it,
/// so a cycle can tell whether the configuration on disk changed since `sshd -t` last judged it.
final class RecordingSSHDConfigEnvironment: SSHDConfigEnvironment {
    private let base: any SSHDConfigEnvironment
    /// FNV-1a over each file's path and bytes, in read order; a lock because the protocol is Sendable.
    private let digest = Mutex<UInt64>(14_695_981_039_346_656_037)

    init(base: any SSHDConfigEnvironment) {
        self.base = base
    }

    /// A digest of every file read so far (paths and contents, in order) and of every glob's expansion.
    var fingerprint: UInt64 { self.digest.withLock { $0 } }

    func expandGlob(_ pattern: String) throws -> [String] {
        let paths = try self.base.expandGlob(pattern)
        self.mix(Array(pattern.utf8) + paths.flatMap { Array($0.utf8) + [0] })
        return paths
    }

    func readFile(atPath path: String) throws -> [UInt8] {
        let bytes = try self.base.readFile(atPath: path)
        self.mix(Array(path.utf8) + [0] + bytes)
        return bytes
    }

    func groupNames(ofUser user: String) -> [String]? {
        self.base.groupNames(ofUser: user)
    }

    func resolve(hostName: String, family: SSHDAddressFamily) -> [IPAddress]? {
        self.base.resolve(hostName: hostName, family: family)
    }

    /// Mixes `bytes` into the digest.
    func mix(_ bytes: [UInt8]) {
        self.digest.withLock { hash in
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
            }
        }
    }
}
