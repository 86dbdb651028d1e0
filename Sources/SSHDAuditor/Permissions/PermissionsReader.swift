import SSHDAuditCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Examines a user's `authorized_keys` files the way sshd's StrictModes does: canonical paths, then
/// `stat` of the file and every directory up to the home directory, judged by ``StrictModes``.
public struct PermissionsReader: Sendable {
    /// One authorized-keys file of a user and what StrictModes thinks of it.
    public struct Report: Sendable, Hashable {
        /// The path after `AuthorizedKeysFile` expansion.
        public var path: String
        /// The path after `realpath`, as sshd names it in its messages; `nil` when it does not resolve.
        public var canonicalPath: String?
        /// Failures from the file upwards; the first is what sshd logs. Empty when the file is fine or absent.
        public var violations: [StrictModes.Violation]
    }

    /// How group-writable paths are judged; see ``groupWritePolicy(debianPatched:)``.
    public var policy: StrictModes.GroupWritePolicy

    /// Creates a reader judging group-writable paths by `policy`.
    public init(policy: StrictModes.GroupWritePolicy = .upstream) {
        self.policy = policy
    }

    /// Checks each of `patterns` (AuthorizedKeysFile values, default sshd's) for `user`.
    public func check(
        user: UserAccount,
        patterns: [String] = AuthorizedKeysPath.defaultPatterns
    ) -> Parsed<[Report]> {
        let home = Self.canonicalPath(user.home) ?? user.home
        let expanded = AuthorizedKeysPath.expand(patterns, user: user.name, uid: user.uid, home: user.home)
        let reports = expanded.value.map { path -> Report in
            guard let canonical = Self.canonicalPath(path) else {
                return Report(path: path, canonicalPath: nil, violations: [])
            }
            let paths = StrictModes.pathsToCheck(file: canonical, home: home)
            let violations = StrictModes.check(
                file: canonical,
                home: home,
                uid: user.uid,
                statuses: Self.statuses(of: paths),
                policy: self.policy
            )
            return Report(path: path, canonicalPath: canonical, violations: violations)
        }
        return Parsed(value: reports, diagnostics: expanded.diagnostics)
    }

    /// `stat(2)` of each path (following links, as sshd does); paths that fail are left out.
    public static func statuses(of paths: [String]) -> [String: PathStatus] {
        var result: [String: PathStatus] = [:]
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let kind: PathStatus.Kind =
                switch info.st_mode & S_IFMT {
                case S_IFREG: .regular
                case S_IFDIR: .directory
                case S_IFLNK: .symlink
                default: .other
                }
            result[path] = PathStatus(
                path: path,
                kind: kind,
                uid: info.st_uid,
                gid: info.st_gid,
                permissions: UInt32(info.st_mode & 0o7777)
            )
        }
        return result
    }

    /// `realpath(3)`; `nil` when a component is missing or unreadable.
    public static func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The policy of the installed sshd: Debian and Ubuntu patch StrictModes to accept a path writable
    /// by a group whose only member is the path's owner; other builds do not. `soleMembers` is read from
    /// the group and password databases the way that patch counts members (primary and supplementary).
    ///
    /// It enumerates both databases with `getpwent(3)`/`getgrent(3)`, whose cursor is process-wide: call it
    /// from one task at a time (once per audit cycle is plenty).
    public static func groupWritePolicy(debianPatched: Bool) -> StrictModes.GroupWritePolicy {
        guard debianPatched else { return .upstream }
        var primaryMembers: [UInt32: Set<UInt32>] = [:]
        var uidByName: [String: UInt32] = [:]
        setpwent()
        while let entry = getpwent() {
            primaryMembers[entry.pointee.pw_gid, default: []].insert(entry.pointee.pw_uid)
            uidByName[String(cString: entry.pointee.pw_name)] = entry.pointee.pw_uid
        }
        endpwent()
        var soleMembers: [UInt32: UInt32] = [:]
        var supplementary: [UInt32: [String]] = [:]
        setgrent()
        while let entry = getgrent() {
            var names: [String] = []
            if var member = entry.pointee.gr_mem {
                while let name = member.pointee {
                    names.append(String(cString: name))
                    member += 1
                }
            }
            supplementary[entry.pointee.gr_gid] = names
        }
        endgrent()
        for (gid, names) in supplementary {
            let primaries = primaryMembers[gid] ?? []
            guard primaries.count <= 1, names.count <= 1 else { continue }
            let candidate = primaries.first ?? names.first.flatMap { uidByName[$0] }
            guard let owner = candidate else { continue }
            if let name = names.first, uidByName[name] != owner { continue }
            soleMembers[gid] = owner
        }
        return .allowPrivateGroup(soleMembers: soleMembers)
    }

    /// Whether this host's sshd carries Debian's patches, i.e. whether it is a Debian-family system
    /// (Debian, Ubuntu and derivatives ship the patch; `sshd -V` does not name the distribution, so the
    /// system's own marker file is the evidence). `root` is the file-system root to look under.
    public static func isDebianFamily(root: String = "/") -> Bool {
        let marker = (root.hasSuffix("/") ? root : root + "/") + "etc/debian_version"
        return access(marker, F_OK) == 0
    }
}
