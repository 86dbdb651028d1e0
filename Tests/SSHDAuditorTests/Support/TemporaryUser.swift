import Foundation
import Glibc
import TestSupport

/// A real local user for the length of a test: `useradd` with its own private group, a home directory in a
/// fresh temporary directory, no login shell. ``remove()`` deletes the user, its group and its home; call
/// it in a `defer`. Needs root.
struct TemporaryUser {
    /// The login name, unique per run.
    let name: String
    /// The home directory (created, owned by root until the test ``own(_:mode:group:)``s it).
    let home: String
    /// The user's uid.
    let uid: uid_t
    /// The gid of the user's private group.
    let gid: gid_t

    init() throws {
        self.name = "sa-test-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
        self.home =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("sshd-auditor-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.home, withIntermediateDirectories: true)
        let arguments = ["--no-create-home", "--home-dir", self.home, "--shell", "/usr/sbin/nologin", "--user-group"]
        // useradd fails (exit 1, "cannot lock /etc/passwd") while another process holds the lock: retry briefly.
        var result = try runCommand("/usr/sbin/useradd", arguments + [self.name], timeout: .seconds(30))
        for _ in 0..<20 where result.status == 1 && result.stderr.contains("lock") {
            usleep(100_000)
            result = try runCommand("/usr/sbin/useradd", arguments + [self.name], timeout: .seconds(30))
        }
        guard result.status == 0, let entry = getpwnam(self.name) else {
            try? FileManager.default.removeItem(atPath: self.home)
            throw CommandError("useradd \(self.name) failed (\(result.status)): \(result.stderr)")
        }
        self.uid = entry.pointee.pw_uid
        self.gid = entry.pointee.pw_gid
    }

    /// Makes `path` owned by the user and `group` (default: the user's private group), with `mode`.
    func own(_ path: String, mode: mode_t, group: gid_t? = nil) throws {
        guard chown(path, self.uid, group ?? self.gid) == 0, chmod(path, mode) == 0 else {
            throw CommandError("chown/chmod \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Deletes the user (and with it its private group) and its home directory.
    func remove() {
        for _ in 0..<20 {
            guard let result = try? runCommand("/usr/sbin/userdel", [self.name], timeout: .seconds(30)),
                result.status == 1, result.stderr.contains("lock")
            else { break }
            usleep(100_000)
        }
        try? FileManager.default.removeItem(atPath: self.home)
    }
}
