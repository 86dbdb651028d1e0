/// A position in a log file that survives rotation and restarts: which file (device and inode), how far it has
/// been read, and a fingerprint of its first bytes.
///
/// The inode tells a renamed-away file from its replacement; the fingerprint tells a file truncated in place
/// and grown again past the old offset (copytruncate, or an inode reused for a new file) from the file that was
/// read, which size and inode alone cannot.
public struct LogFilePosition: Sendable, Hashable, CustomStringConvertible {
    /// How many leading bytes the fingerprint covers at most.
    public static let fingerprintLimit = 256

    /// The file's device (`st_dev`).
    public var device: UInt64
    /// The file's inode (`st_ino`).
    public var inode: UInt64
    /// Bytes read so far: the offset just after the last complete line handed out.
    public var offset: Int64
    /// How many leading bytes ``headHash`` covers: `min(offset, fingerprintLimit)`.
    public var headLength: Int
    /// FNV-1a of the first ``headLength`` bytes.
    public var headHash: UInt64
    /// Whether the reader is inside a line longer than its buffer, dropping bytes up to the next newline.
    public var skippingLongLine: Bool
    /// The file's modification time when it was last read (nanoseconds since the epoch), if known. Rotated files
    /// modified later were written after it, which matters when this file is lost to compression: they are
    /// still to be read.
    public var modified: Int64?

    public init(
        device: UInt64,
        inode: UInt64,
        offset: Int64,
        headLength: Int = 0,
        headHash: UInt64 = Self.emptyHash,
        skippingLongLine: Bool = false,
        modified: Int64? = nil
    ) {
        self.device = device
        self.inode = inode
        self.offset = offset
        self.headLength = headLength
        self.headHash = headHash
        self.skippingLongLine = skippingLongLine
        self.modified = modified
    }

    /// The FNV-1a hash of no bytes.
    public static let emptyHash: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a (64 bit) of `bytes`: a fingerprint, not a defence against a forger (who could write the log
    /// anyway).
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = Self.emptyHash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    public var description: String { "device \(self.device) inode \(self.inode) offset \(self.offset)" }
}

// MARK: - State file

extension LogFilePosition {
    /// The state file's text: one `key=value` per line, after a comment naming the followed file.
    func stateText(path: String) -> String {
        """
        # sshd-auditor: how far \(path) has been read
        path=\(path)
        device=\(self.device)
        inode=\(self.inode)
        offset=\(self.offset)
        head-length=\(self.headLength)
        head-hash=\(self.headHash)
        skipping-long-line=\(self.skippingLongLine ? 1 : 0)
        modified-ns=\(self.modified.map(String.init) ?? "")

        """
    }

    /// Reads ``stateText(path:)``'s format; `nil` when a key is missing or malformed. `path` is the followed
    /// file's path as the state file recorded it.
    static func parseState(_ text: String) -> (path: String, position: LogFilePosition)? {
        var values: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { return nil }
            values[line[..<equals]] = line[line.index(after: equals)...]
        }
        guard let path = values["path"], !path.isEmpty,
            let device = values["device"].flatMap({ UInt64($0) }),
            let inode = values["inode"].flatMap({ UInt64($0) }),
            let offset = values["offset"].flatMap({ Int64($0) }), offset >= 0,
            let headLength = values["head-length"].flatMap({ Int($0) }),
            (0...Self.fingerprintLimit).contains(headLength), Int64(headLength) <= offset,
            let headHash = values["head-hash"].flatMap({ UInt64($0) }),
            let skipping = values["skipping-long-line"], skipping == "0" || skipping == "1"
        else { return nil }
        // Optional: empty when unknown.
        let modified = values["modified-ns"].flatMap { Int64($0) }
        let position = LogFilePosition(
            device: device,
            inode: inode,
            offset: offset,
            headLength: headLength,
            headHash: headHash,
            skippingLongLine: skipping == "1",
            modified: modified
        )
        return (String(path), position)
    }
}
