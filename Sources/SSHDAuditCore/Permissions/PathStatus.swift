/// What `stat(2)` says about one path, as sshd's StrictModes check needs it.
public struct PathStatus: Sendable, Hashable {
    /// The file type, from `st_mode & S_IFMT`.
    public enum Kind: String, Sendable, Hashable {
        /// A regular file.
        case regular
        /// A directory.
        case directory
        /// A symbolic link (only seen with `lstat`).
        case symlink
        /// A device, socket or FIFO.
        case other
    }

    /// The path that was examined.
    public var path: String
    /// The file type.
    public var kind: Kind
    /// The owner, `st_uid`.
    public var uid: UInt32
    /// The group, `st_gid`.
    public var gid: UInt32
    /// The permission bits, `st_mode & 07777`.
    public var permissions: UInt32

    /// Creates a status; only the permission bits of `permissions` are kept.
    public init(path: String, kind: Kind, uid: UInt32, gid: UInt32, permissions: UInt32) {
        self.path = path
        self.kind = kind
        self.uid = uid
        self.gid = gid
        self.permissions = permissions & 0o7777
    }
}
