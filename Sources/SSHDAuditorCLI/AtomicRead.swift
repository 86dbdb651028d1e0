import Glibc

/// Reads a small file written atomically by the daemon (status.json).
enum AtomicRead {
    /// The file's bytes, or `nil` when it does not exist or cannot be read; at most 16 MiB.
    static func contents(of path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while result.count < 16 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? result : nil }
            result.append(contentsOf: buffer[0..<count])
        }
        return nil
    }
}
