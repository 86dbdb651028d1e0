import Glibc
import SystemPackage

/// The identity and size of an open file, from `fstat(2)`.
struct FileStatus: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    /// The last modification (`st_mtim`), in nanoseconds since the epoch.
    var modified: Int64

    /// The status of the file `descriptor` refers to.
    init(of descriptor: FileDescriptor, path: String) throws {
        var status = stat()
        guard fstat(descriptor.rawValue, &status) == 0 else {
            throw LogSourceError(operation: "fstat", path: path, errno: Errno(rawValue: Glibc.errno))
        }
        self.device = UInt64(status.st_dev)
        self.inode = UInt64(status.st_ino)
        self.size = Int64(status.st_size)
        self.modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }

    /// Whether this is the file `position` was taken in.
    func isFile(of position: LogFilePosition) -> Bool {
        self.device == position.device && self.inode == position.inode
    }
}
