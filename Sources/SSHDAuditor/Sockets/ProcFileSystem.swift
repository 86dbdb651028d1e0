import Glibc
import SystemPackage

/// Reads files, directories and links under a proc root: `/proc`, or a fixture tree laid out like it.
///
/// The few system calls the socket sources need, with `-1` and `errno` turned into ``ProcAccessError``.
struct ProcFileSystem: Sendable {
    /// The directory that stands for `/proc`.
    let root: String

    init(root: String) {
        // "/proc/" and "/proc" name the same tree; keep paths in messages free of "//".
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// `root/components...`.
    func path(_ components: String...) -> String {
        (self.root == "/" ? "" : self.root) + "/" + components.joined(separator: "/")
    }

    /// The whole contents of a file, read until end of file.
    ///
    /// Files under /proc report a size of 0 and are generated as they are read, so the size from
    /// `stat(2)` is useless: read until `read(2)` returns 0, straight into the array's storage, doubling
    /// it when full, so no chunk is copied twice. (A seq_file such as /proc/net/tcp hands out about one
    /// page per `read(2)` however much is asked for, as `dd bs=8M` shows, so the number of calls is the
    /// kernel's choice; what the caller controls is the copying.)
    ///
    /// - Parameter initialCapacity: The first read's size; the array doubles from there.
    func readFile(_ path: String, initialCapacity: Int = 64 * 1024) throws(ProcAccessError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ProcAccessError(operation: "read", path: path, errno: Errno(rawValue: Glibc.errno))
        }
        // Closing a descriptor opened read-only cannot lose data; there is nothing to report.
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var capacity = max(initialCapacity, 4096)
        while true {
            var failure: Int32 = 0
            var reachedEnd = false
            let previous = contents
            contents = [UInt8](unsafeUninitializedCapacity: capacity) { storage, count in
                guard let base = storage.baseAddress else { return }
                previous.withUnsafeBufferPointer { old in
                    if let oldBase = old.baseAddress { base.initialize(from: oldBase, count: old.count) }
                }
                count = previous.count
                while count < capacity {
                    let result = read(descriptor, base + count, capacity - count)
                    if result < 0 {
                        if Glibc.errno == EINTR { continue }
                        failure = Glibc.errno
                        return
                    }
                    if result == 0 {
                        reachedEnd = true
                        return
                    }
                    count += result
                }
            }
            if failure != 0 {
                throw ProcAccessError(operation: "read", path: path, errno: Errno(rawValue: failure))
            }
            if reachedEnd { return contents }
            capacity *= 2
        }
    }

    /// The names in a directory, without `.` and `..`, in directory order.
    func directoryEntries(_ path: String) throws(ProcAccessError) -> [String] {
        guard let directory = opendir(path) else {
            throw ProcAccessError(operation: "list", path: path, errno: Errno(rawValue: Glibc.errno))
        }
        defer { closedir(directory) }
        var names: [String] = []
        // readdir(3) returns NULL both at the end and on error; only errno tells them apart.
        Glibc.errno = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        if Glibc.errno != 0 {
            throw ProcAccessError(operation: "list", path: path, errno: Errno(rawValue: Glibc.errno))
        }
        return names
    }

    /// The target of a symbolic link, as raw bytes, into a caller-owned buffer reused across calls.
    ///
    /// Targets longer than the buffer come back truncated; the socket links this is for
    /// (`socket:[4294967295]`) are far shorter than any buffer the callers use.
    func readLink(_ path: String, into buffer: inout [UInt8]) throws(ProcAccessError) -> ArraySlice<UInt8> {
        let count = buffer.withUnsafeMutableBufferPointer { target in
            target.withMemoryRebound(to: CChar.self) { characters -> Int in
                guard let base = characters.baseAddress else { return 0 }
                return readlink(path, base, characters.count)
            }
        }
        guard count >= 0 else {
            throw ProcAccessError(operation: "readlink", path: path, errno: Errno(rawValue: Glibc.errno))
        }
        return buffer[..<count]
    }
}
