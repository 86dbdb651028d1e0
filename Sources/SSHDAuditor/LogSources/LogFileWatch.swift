import Glibc
import SystemPackage

/// inotify(7) watches that make one descriptor readable whenever a followed log file may have new lines,
/// whatever rotation does to it:
///
/// - the file's inode, for `IN_MODIFY`: appends, and the truncation of copytruncate (which shows as a modify;
///   the follower notices the smaller size). The watch follows the inode when logrotate renames it away, so
///   lines the writer still appends to `auth.log.1` until it reopens the log are announced too;
/// - its directory, for the file's name being created, moved in, moved away or deleted: rename-and-create,
///   and create-after-delete. A new file under the name gets its own inode watch at once (the last two inodes
///   are kept: the new file and the rotated one the writer may still append to).
///
/// Writes to other files in the directory are not asked for, so a busy `/var/log` does not wake the daemon
/// (files created, renamed or deleted there do, which is rare: the kernel cannot filter those by name). Until
/// the owner ``drain()``s, the descriptor stays readable however many appends follow, so the owner decides how
/// often it reads. When the directory cannot be watched (it does not exist yet), ``isComplete`` is `false` and
/// the owner reads on a timer, calling ``attach()`` again each time.
///
/// Owns its inotify descriptor (closed in `deinit`); not thread-safe: keep it with its follower.
final class LogFileWatch {
    /// The inotify descriptor to `poll(2)` for `POLLIN`.
    let descriptor: CInt
    private let path: String
    private let directory: String
    private let name: [UInt8]
    private var directoryWatch: CInt?
    /// Inode watches, oldest first: the rotated file, then the current one.
    private var fileWatches: [CInt] = []

    /// Events on the directory that concern the file's name.
    private static let directoryMask = UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR)

    /// Creates the inotify instance and the watches it can; `nil` when inotify is unavailable (out of instances).
    init?(path: String) {
        let descriptor = inotify_init1(CInt(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.path = path
        let file = FilePath(path)
        let directory = file.removingLastComponent()
        self.directory = directory.isEmpty ? "." : directory.string
        self.name = Array((file.lastComponent?.string ?? path).utf8)
        self.attach()
    }

    deinit {
        close(self.descriptor)
    }

    /// Whether the directory is watched, so every change to the file's name is announced.
    var isComplete: Bool { self.directoryWatch != nil }

    /// Adds the watches that are missing: the directory's, and the inode the path names now (a no-op when it
    /// is already watched). Cheap enough to call before every wait.
    func attach() {
        if self.directoryWatch == nil {
            let watch = inotify_add_watch(self.descriptor, self.directory, Self.directoryMask)
            if watch >= 0 { self.directoryWatch = watch }
        }
        let watch = inotify_add_watch(self.descriptor, self.path, UInt32(IN_MODIFY))
        guard watch >= 0, !self.fileWatches.contains(watch) else { return }
        self.fileWatches.append(watch)
        // Two rotations ago: its writer has long moved on.
        while self.fileWatches.count > 2 {
            inotify_rm_watch(self.descriptor, self.fileWatches.removeFirst())
        }
    }

    /// Reads every pending event, so the descriptor blocks again, and re-attaches when the name now names
    /// another file or the kernel dropped events. Returns whether any event was read.
    @discardableResult
    func drain() -> Bool {
        var sawEvent = false
        var reattach = false
        let capacity = 4096
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = read(self.descriptor, buffer.baseAddress, capacity)
            guard count > 0 else { break }
            sawEvent = true
            var offset = 0
            // struct inotify_event: int wd; uint32_t mask, cookie, len; char name[len] (NUL-padded).
            let header = 16
            while offset + header <= count {
                let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameEnd = min(count, offset + header + length)
                let nameBytes = UnsafeRawBufferPointer(rebasing: buffer[(offset + header)..<nameEnd])
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    reattach = true
                } else if mask & UInt32(IN_IGNORED) != 0 {
                    // The inode was deleted or the directory went away: the kernel removed the watch.
                    if watch == self.directoryWatch { self.directoryWatch = nil }
                    self.fileWatches.removeAll { $0 == watch }
                    reattach = true
                } else if watch == self.directoryWatch, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0,
                    nameBytes.prefix(while: { $0 != 0 }).elementsEqual(self.name)
                {
                    reattach = true
                }
            }
        }
        if reattach { self.attach() }
        return sawEvent
    }
}
