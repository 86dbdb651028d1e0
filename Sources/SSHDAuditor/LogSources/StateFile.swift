import Glibc
import SystemPackage

/// A small file holding a log source's position, replaced atomically so a crash or power loss leaves either
/// the old or the new content, never a torn mix.
struct StateFile: Sendable {
    /// Where the state lives.
    let path: String

    /// The file's bytes, or `nil` when it does not exist. Files larger than 64 KiB are not state files.
    func read() throws -> [UInt8]? {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(self.path), .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            return nil
        } catch let errno as Errno {
            throw LogSourceError(operation: "open", path: self.path, errno: errno)
        }
        return try descriptor.closeAfter {
            let capacity = 1 << 16
            var bytes = [UInt8](repeating: 0, count: capacity)
            var count = 0
            while count < capacity {
                let got = try bytes.withUnsafeMutableBytes { buffer in
                    try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
                }
                if got == 0 { break }
                count += got
            }
            return Array(bytes[..<count])
        }
    }

    /// Replaces the file with `text`: write a temporary file beside it, `fsync` it, `rename` it over the old
    /// one, then `fsync` the directory so the rename itself is durable.
    func write(_ text: String) throws {
        var text = text
        try self.write { output in try text.withUTF8 { try output(UnsafeRawBufferPointer($0)) } }
    }

    /// Replaces the file, like ``write(_:)-(String)``, with the bytes `produce` hands to its argument, piece by
    /// piece: a large document (status.json under a flood) goes to the file as it is written, never held whole.
    /// When `produce` throws, the old file stays.
    func write(_ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let temporary = "\(self.path).tmp.\(getpid())"
        do {
            let descriptor = try FileDescriptor.open(
                FilePath(temporary),
                .writeOnly,
                options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead]
            )
            try descriptor.closeAfter {
                try produce { bytes in _ = try descriptor.writeAll(bytes) }
                try Self.sync(descriptor, temporary)
            }
            guard rename(temporary, self.path) == 0 else {
                throw LogSourceError(operation: "rename", path: temporary, errno: Errno(rawValue: Glibc.errno))
            }
        } catch let errno as Errno {
            unlink(temporary)
            throw LogSourceError(operation: "write", path: temporary, errno: errno)
        } catch {
            unlink(temporary)
            throw error
        }
        let directory = FilePath(self.path).removingLastComponent()
        let directoryPath = directory.isEmpty ? "." : directory.string
        let handle: FileDescriptor
        do {
            handle = try FileDescriptor.open(FilePath(directoryPath), .readOnly, options: [.directory, .closeOnExec])
        } catch let errno as Errno {
            throw LogSourceError(operation: "open", path: directoryPath, errno: errno)
        }
        try handle.closeAfter { try Self.sync(handle, directoryPath) }
    }

    /// `fsync(2)`; swift-system has no wrapper for it.
    private static func sync(_ descriptor: FileDescriptor, _ path: String) throws {
        guard fsync(descriptor.rawValue) == 0 else {
            throw LogSourceError(operation: "fsync", path: path, errno: Errno(rawValue: Glibc.errno))
        }
    }
}
