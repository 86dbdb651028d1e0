#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A local account as the password database (`getpwnam(3)`, NSS included) describes it.
public struct UserAccount: Sendable, Hashable {
    /// The login name.
    public var name: String
    /// The user id.
    public var uid: UInt32
    /// The primary group id.
    public var gid: UInt32
    /// The home directory, as the database has it (not canonicalized).
    public var home: String

    /// Creates an account value (tests use it for temp homes).
    public init(name: String, uid: UInt32, gid: UInt32, home: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
    }

    /// Looks `name` up; `nil` when there is no such user.
    ///
    /// The corresponding C function is `getpwnam_r(3)`.
    public static func named(_ name: String) -> UserAccount? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        var status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        // NSS back ends (LDAP, SSSD) can return entries larger than the usual buffer: grow and retry.
        while status == ERANGE, buffer.count < 1 << 20 {
            buffer = [CChar](repeating: 0, count: buffer.count * 4)
            status = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        }
        guard status == 0, let found = result?.pointee else { return nil }
        return UserAccount(
            name: String(cString: found.pw_name),
            uid: found.pw_uid,
            gid: found.pw_gid,
            home: String(cString: found.pw_dir)
        )
    }
}
