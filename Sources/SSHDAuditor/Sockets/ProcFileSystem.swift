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
    /// `stat(2)` is useless: read in large chunks until `read(2)` returns 0. Large chunks also keep a
    /// table like /proc/net/tcp close to one consistent snapshot.
    func readFile(_ path: String) throws(ProcAccessError) -> [UInt8] {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw ProcAccessError(operation: "read", path: path, errno: error as? Errno ?? .ioError)
        }
        // Closing a descriptor opened read-only cannot lose data; there is nothing to report.
        defer { try? descriptor.close() }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
            } catch {
                throw ProcAccessError(operation: "read", path: path, errno: error as? Errno ?? .ioError)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[..<count])
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
