import Glibc
import SystemPackage

/// A small file holding a log source's position, replaced atomically so a crash or power loss leaves either
/// the old or the new content, never a torn mix.
struct StateFile: Sendable {
    /// Where the state lives.
    let path: String

    /// The largest state file read. The largest the daemon writes is the alert state under a flood from
    /// ``LogWindow/maximumSources`` addresses, one record of a few hundred bytes each (about 1.3 MB); 16 MiB leaves
    /// room for longer records and still refuses a stray file before it costs memory.
    static let maximumSize = 16 << 20

    /// The file's bytes, whole, or `nil` when it does not exist.
    ///
    /// - Throws: ``LogSourceError`` when it cannot be read, or with `EFBIG` when it is larger than
    ///   ``maximumSize``: a state file cut short would lose state silently (once, a 64 KiB cap dropped all but
    ///   217 of a flood's 2,000 alerts at a restart).
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
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let got: Int
                do {
                    got = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
                } catch let errno as Errno {
                    throw LogSourceError(operation: "read", path: self.path, errno: errno)
                }
                if got == 0 { return bytes }
                guard bytes.count + got <= Self.maximumSize else {
                    throw LogSourceError(operation: "read", path: self.path, errno: .fileTooLarge)
                }
                bytes += chunk[..<got]
            }
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
