/// sshd's `StrictModes` rule for files it reads on a user's behalf (`authorized_keys`, `~/.ssh/rc`
/// sources), as OpenSSH's `safe_path()` in misc.c applies it:
///
/// 1. the file (after `realpath`) must be a regular file;
/// 2. the file and then each directory above it, up to and including the user's home directory (or up
///    to `/` for a path outside home), must be owned by root or the user and not group- or
///    world-writable.
///
/// sshd stops at the first failure and logs `Authentication refused: <message>`; ``check(file:home:uid:statuses:policy:)``
/// reports every failure so one run shows all that needs fixing, first the one sshd would log.
public enum StrictModes {
    /// How group-writable paths are judged.
    public enum GroupWritePolicy: Sendable, Hashable {
        /// Upstream OpenSSH: any group-writable path fails.
        case upstream
        /// Debian and Ubuntu's patch ("Allow harmless group-writability"): a group-writable path passes when
        /// its group has exactly one member and that member is the path's owner (the per-user group of
        /// `umask 002` setups). `soleMembers` maps a gid to the uid of its only member, for groups that
        /// have exactly one.
        case allowPrivateGroup(soleMembers: [UInt32: UInt32])
    }

    /// One StrictModes failure.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public enum Problem: Sendable, Hashable {
            /// The file is a directory, a device, … (sshd: `… is not a regular file`).
            case notRegularFile
            /// Owned by someone other than root or the user.
            case foreignOwner(uid: UInt32)
            /// Writable by the group (and the group is not the owner's private group).
            case groupWritable
            /// Writable by everyone.
            case worldWritable
            /// A directory on the way could not be examined (sshd treats a failed `stat` as bad modes).
            case unreadable
        }

        /// The path at fault.
        public var path: String
        /// Whether `path` is the file itself or a directory above it.
        public var isFile: Bool
        /// Everything wrong with `path` (sshd names only the path).
        public var problems: [Problem]
        /// Exactly what sshd puts after `Authentication refused: `, e.g.
        /// `bad ownership or modes for directory /home/alice/.ssh`.
        public var message: String

        /// The message and the problems, for people.
        public var description: String {
            let details = self.problems.map { problem -> String in
                switch problem {
                case .notRegularFile: "not a regular file"
                case .foreignOwner(let uid): "owned by uid \(uid)"
                case .groupWritable: "group-writable"
                case .worldWritable: "world-writable"
                case .unreadable: "cannot be examined"
                }
            }
            return "\(self.message) (\(details.joined(separator: ", ")))"
        }

        /// The line sshd logs for this failure.
        public var logLine: String { "Authentication refused: \(self.message)" }
    }

    /// The paths sshd examines for `file`, the file first and then each parent directory up to `home`
    /// (included) or `/`. Both paths must already be canonical (sshd calls `realpath` on both).
    public static func pathsToCheck(file: String, home: String) -> [String] {
        let home = Self.normalized(home)
        var paths = [Self.normalized(file)]
        var current = paths[0]
        while true {
            current = Self.dirname(current)
            paths.append(current)
            if current == home || current == "/" || current == "." { break }
        }
        return paths
    }

    /// Checks `file` for the user with `uid` and home directory `home`, given what `stat` said about each
    /// path of ``pathsToCheck(file:home:)`` (`statuses` by path; a missing entry means `stat` failed).
    ///
    /// Returns the violations from the file upwards; the first is the one sshd logs.
    public static func check(
        file: String,
        home: String,
        uid: UInt32,
        statuses: [String: PathStatus],
        policy: GroupWritePolicy = .upstream
    ) -> [Violation] {
        var violations: [Violation] = []
        for (index, path) in self.pathsToCheck(file: file, home: home).enumerated() {
            let isFile = index == 0
            let noun = isFile ? "file" : "directory"
            guard let status = statuses[path] else {
                if !isFile {
                    violations.append(
                        Violation(
                            path: path,
                            isFile: false,
                            problems: [.unreadable],
                            message: "bad ownership or modes for directory \(path)"
                        )
                    )
                }
                continue
            }
            if isFile, status.kind != .regular {
                violations.append(
                    Violation(
                        path: path,
                        isFile: true,
                        problems: [.notRegularFile],
                        message: "\(path) is not a regular file"
                    )
                )
                continue
            }
            var problems: [Violation.Problem] = []
            if status.uid != 0 && status.uid != uid { problems.append(.foreignOwner(uid: status.uid)) }
            if status.permissions & 0o020 != 0, !Self.isHarmlessGroupWrite(status, policy: policy) {
                problems.append(.groupWritable)
            }
            if status.permissions & 0o002 != 0 { problems.append(.worldWritable) }
            if !problems.isEmpty {
                violations.append(
                    Violation(
                        path: path,
                        isFile: isFile,
                        problems: problems,
                        message: "bad ownership or modes for \(noun) \(path)"
                    )
                )
            }
        }
        return violations
    }

    private static func isHarmlessGroupWrite(_ status: PathStatus, policy: GroupWritePolicy) -> Bool {
        guard case .allowPrivateGroup(let soleMembers) = policy else { return false }
        return soleMembers[status.gid] == status.uid
    }

    /// `dirname(3)` on a canonical path: `/a/b` → `/a`, `/a` → `/`, `a` → `.`.
    static func dirname(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Drops trailing slashes (not the root's own).
    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
