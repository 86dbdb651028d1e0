import Glibc
import SSHDAuditCore
import SystemPackage

/// Follows a syslog file that sshd logs to (`/var/log/auth.log` on Debian and Ubuntu, `/var/log/secure` on
/// RHEL) across appends, rotations and restarts, handing out each sshd line exactly once.
///
/// The position is the file's device and inode, a byte offset just after the last complete line, and a
/// fingerprint of the file's first bytes (``LogFilePosition``). It is saved to a state file after every read
/// that moved it (write to a temporary file, `fsync`, `rename`, `fsync` the directory), so a restarted daemon
/// resumes mid-file with no line repeated or skipped.
///
/// Rotation, as logrotate does it:
/// - **rename and create** (the default): the path names a new inode. The old file is looked up among its
///   siblings (`auth.log.1`, `secure-20261121`, ...) by inode and read to its end, then the new file from its
///   start. Because the writer keeps appending to the renamed file until it reopens the log (rsyslog on
///   SIGHUP), the follower stays on the old file while the new one is still empty.
/// - **copytruncate**: the same inode shrinks, or its first bytes change. A sibling whose first bytes match is
///   the copy: its unread tail is read first. The new content is then read from offset 0.
/// - **compressed** (`compress` without `delaycompress`, or a daemon down across two rotations): the unread
///   tail is gone; a ``LogSourceNotice/Kind/linesLost`` notice says so and reading continues in the new file.
///   This is told from copytruncate even when the new file reuses the old inode: gzip gives the compressed file
///   the original's modification time.
/// - **several rotations while the daemon was down**: the rotations newer than the one being read (by name,
///   `.2` before `.1`, or, when that file is lost, by modification time after the last read) are read in order
///   before the current file.
///
/// A last line without its newline is held back until it is complete (a writer may be half-way through it).
/// When there is no state, the first read starts at the end of the file (``LogStartPosition/end``, so old history
/// is not reported as new) or at its start.
///
/// Memory is bounded by one read buffer of ``readSize`` bytes (256 KiB by default, allocated once) plus the
/// events returned (at most `limit`); a line longer than the buffer is skipped with a notice (syslog daemons cap
/// lines at 8 KiB by default and sshd its messages at 1 KiB, so only a foreign writer produces one). One call
/// reads at most 16 buffers (4 MiB by default), so a backlog of other programs' lines cannot stall a cycle;
/// ``hasPendingInput`` says when to call again.
///
/// Not thread-safe: keep a follower in one task or actor.
public final class AuthLogFollower: SSHDLogEventSource {
    /// The followed file.
    public let path: String
    /// Where the position is saved, or `nil` to keep it in memory only.
    public let stateFilePath: String?
    /// Where to start without a saved position.
    public let startPosition: LogStartPosition
    /// Bytes read per `pread(2)`; also the longest line that can be read.
    public let readSize: Int
    /// How classic syslog stamps (`Nov 21 10:00:00`), which carry no year, get one. The caller sets it, typically
    /// `.latestNotAfter(year:month:)` from ``LocalDate/current()`` before each read.
    public var classicYear: SSHDLogParser.ClassicYear

    /// Where reading stands.
    private enum Phase {
        /// Nothing read and no state: the next read picks the start.
        case unstarted
        /// Reading this file at this position.
        case following(LogFilePosition)
        /// The file was rotated away and no new one exists yet: the next file is read from its start.
        case awaitingNewFile
    }

    /// What one read from a file ended with.
    private enum ReadOutcome {
        /// `limit` events were collected.
        case limitReached
        /// The buffer was filled: the file may hold more.
        case moreAvailable
        /// Every complete line was read; at most a partial line remains.
        case atEnd
    }

    /// A file opened for reading, with its status at opening.
    private struct OpenFile {
        let path: String
        let descriptor: FileDescriptor
        let status: FileStatus
    }

    private var phase = Phase.unstarted
    private var stateLoaded = false
    private var savedStateText: String?
    /// The size of the followed file when last looked at: how much a lost rotated file still held unread.
    private var lastSeenSize: Int64?
    private var reportedMissing = false
    /// Whether the last read stopped before the end of the input.
    public private(set) var hasPendingInput = false
    private var notices: [LogSourceNotice] = []
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    /// inotify on the file and its directory, set up by the first ``readiness()``.
    private var changes: LogFileWatch?

    /// The bytes per read unless the caller gives another size: 256 KiB.
    public static let defaultReadSize = 256 << 10

    /// - Parameters:
    ///   - path: the log file, for example `/var/log/auth.log`.
    ///   - stateFilePath: where to persist the position (`nil`: memory only, a restart starts afresh).
    ///   - startPosition: where to begin without a saved position.
    ///   - classicYear: the year for classic syslog stamps.
    ///   - readSize: bytes per read, at least 4 KiB.
    public init(
        path: String,
        stateFilePath: String?,
        startPosition: LogStartPosition = .end,
        classicYear: SSHDLogParser.ClassicYear,
        readSize: Int = AuthLogFollower.defaultReadSize
    ) {
        self.path = path
        self.stateFilePath = stateFilePath
        self.startPosition = startPosition
        self.classicYear = classicYear
        self.readSize = max(readSize, 4096)
        self.buffer = .allocate(capacity: self.readSize)
    }

    deinit {
        self.buffer.deallocate()
    }

    public var name: String { "file \(self.path)" }

    public var position: LogSourcePosition? {
        if case .following(let position) = self.phase { return .file(position) }
        return nil
    }

    public func takeNotices() -> [LogSourceNotice] {
        defer { self.notices.removeAll() }
        return self.notices
    }

    // MARK: - Readiness

    /// How often the file is read when its changes cannot be waited for: inotify unavailable, or the directory
    /// missing (the watch is retried before every wait).
    public static let unwatchedReadInterval: Duration = .seconds(1)

    /// The descriptor of an inotify instance watching the file and its directory (``LogFileWatch``): ready
    /// after an append, a truncation, or a rotation that puts a new file under the name.
    public func readiness() -> LogReadiness {
        if self.changes == nil { self.changes = LogFileWatch(path: self.path) }
        guard let changes = self.changes else { return .every(Self.unwatchedReadInterval) }
        changes.attach()
        return LogReadiness(
            descriptor: changes.descriptor,
            events: Int16(POLLIN),
            timeout: changes.isComplete ? nil : Self.unwatchedReadInterval
        )
    }

    // MARK: - Reading

    public func readNewEvents(limit: Int, savingPosition: Bool) throws -> [SSHDLogEvent] {
        guard limit > 0 else { return [] }
        // Consumed before the file is read: a line written from here on makes the descriptor ready again.
        self.changes?.drain()
        if !self.stateLoaded {
            try self.loadState()
            self.stateLoaded = true
        }
        // A failed call changes nothing: the same lines are read again by the next call, none lost.
        let phaseBefore = self.phase
        let lastSeenSizeBefore = self.lastSeenSize
        let noticesBefore = self.notices.count
        var events: [SSHDLogEvent] = []
        do {
            try self.readEvents(limit: limit, into: &events)
        } catch {
            self.phase = phaseBefore
            self.lastSeenSize = lastSeenSizeBefore
            self.notices.removeSubrange(noticesBefore...)
            throw error
        }
        if savingPosition { self.savePosition() }
        return events
    }

    public func savePosition() {
        do {
            try self.saveState()
        } catch {
            // The events were read and handed out; a restart before the next successful save repeats them.
            self.notices.append(
                LogSourceNotice(kind: .stateNotSaved, message: "\(error): a restart would read these lines again")
            )
        }
    }

    /// The body of ``readNewEvents(limit:)``: moves ``phase`` along and collects the events.
    private func readEvents(limit: Int, into events: inout [SSHDLogEvent]) throws {
        self.hasPendingInput = false
        // Each pass reads one buffer or moves to another file; a rotation takes a few moves. The pass budget bounds
        // the bytes one call reads (16 buffers) when other programs' lines fill the file.
        passes: for _ in 0..<16 {
            guard events.count < limit else {
                self.hasPendingInput = true
                return
            }
            let current = try self.open(self.path)
            defer { try? current?.descriptor.close() }
            switch self.phase {
            case .unstarted:
                guard let current else {
                    // Whatever file appears later was written after this look: read it from its start.
                    self.noteMissing()
                    self.phase = .awaitingNewFile
                    return
                }
                self.phase = .following(try self.startingPosition(in: current))
            case .awaitingNewFile:
                guard let current else {
                    self.noteMissing()
                    return
                }
                self.reportedMissing = false
                self.phase = .following(Self.fresh(current.status))
                self.lastSeenSize = nil
            case .following(var position):
                if let current, current.status.isFile(of: position) {
                    self.reportedMissing = false
                    let sameContent = try self.fingerprintMatches(position, in: current)
                    if current.status.size < position.offset || !sameContent {
                        try self.recoverFromTruncation(
                            position,
                            current: current,
                            limit: limit,
                            into: &events
                        )
                        continue passes
                    }
                    self.lastSeenSize = current.status.size
                    position.modified = current.status.modified
                    let outcome = try self.read(current, from: &position, limit: limit, into: &events)
                    self.phase = .following(position)
                    guard outcome != .atEnd else { return }
                    continue passes
                }
                // The path names another file or none: the one being read was renamed away or removed.
                if let (old, newer) = try self.findRotated(identity: position) {
                    defer { try? old.descriptor.close() }
                    self.lastSeenSize = old.status.size
                    position.modified = old.status.modified
                    let outcome = try self.read(old, from: &position, limit: limit, into: &events)
                    self.phase = .following(position)
                    guard outcome == .atEnd else { continue passes }
                    guard events.count < limit else { return }
                    if newer.isEmpty {
                        // The latest rotation: the writer appends to it until it reopens the log. A new file with
                        // content shows it has, so the old file is final.
                        guard let current, current.status.size > 0 else { return }
                    }
                    try self.finishPartialLine(old, at: &position, into: &events)
                    self.phase = .following(position)
                    self.notices.append(
                        LogSourceNotice(kind: .rotated, message: "\(self.path) was rotated: finished \(old.path)")
                    )
                    // Rotations since (a daemon down across several) come before the current file, oldest first.
                    self.lastSeenSize = nil
                    if let next = try self.nextRotation(in: newer) {
                        self.phase = .following(Self.fresh(next))
                    } else if let current {
                        self.phase = .following(Self.fresh(current.status))
                    } else {
                        self.phase = .awaitingNewFile
                    }
                    continue passes
                }
                self.noteLost(position, reason: "rotated and then compressed or removed before it was read")
                self.lastSeenSize = nil
                // Rotations written after the lost file was last read (a daemon down across several rotations)
                // are still to be read, oldest first; without that time none can be told apart from old ones.
                if let next = try self.oldestRotation(modifiedAfter: position.modified) {
                    self.phase = .following(Self.fresh(next))
                } else if let current {
                    self.phase = .following(Self.fresh(current.status))
                } else {
                    self.phase = .awaitingNewFile
                }
            }
        }
        // The pass budget ran out: there may be more to read.
        self.hasPendingInput = true
    }

    /// Reads complete lines from `file` at `position` into `events` until `limit`, the end of the buffer, or the
    /// end of the file, and advances `position` past the lines read.
    private func read(
        _ file: OpenFile,
        from position: inout LogFilePosition,
        limit: Int,
        into events: inout [SSHDLogEvent]
    ) throws -> ReadOutcome {
        let count = try self.pread(file, at: position.offset, into: UnsafeMutableRawBufferPointer(self.buffer))
        guard count > 0 else { return .atEnd }
        let parser = SSHDLogParser(framing: .syslog, classicYear: self.classicYear)
        let bytes = UnsafeBufferPointer(rebasing: self.buffer[0..<count])
        var consumed = 0
        var event = SSHDLogEvent(kind: .other)
        var limitReached = false
        while let newline = Self.newline(in: bytes, from: consumed) {
            if position.skippingLongLine {
                position.skippingLongLine = false
            } else if parser.parse(line: UnsafeBufferPointer(rebasing: bytes[consumed..<newline]), into: &event)
                == .sshd
            {
                events.append(event)
            }
            consumed = newline + 1
            if events.count >= limit {
                limitReached = true
                break
            }
        }
        if consumed == 0, count == self.buffer.count {
            // A full buffer without a newline: the line cannot be held. Drop it up to its end.
            if !position.skippingLongLine {
                self.notices.append(
                    LogSourceNotice(
                        kind: .overlongLineSkipped,
                        message: "skipped a line longer than \(self.readSize) bytes at offset \(position.offset) of "
                            + file.path
                    )
                )
            }
            position.skippingLongLine = true
            consumed = count
        }
        position.offset += Int64(consumed)
        try self.updateFingerprint(&position, in: file)
        if limitReached { return .limitReached }
        return count == self.buffer.count ? .moreAvailable : .atEnd
    }

    /// Hands out the final line of a file that will not grow any more although it lacks a newline.
    private func finishPartialLine(
        _ file: OpenFile,
        at position: inout LogFilePosition,
        into events: inout [SSHDLogEvent]
    ) throws {
        let count = try self.pread(file, at: position.offset, into: UnsafeMutableRawBufferPointer(self.buffer))
        guard count > 0 else { return }
        position.offset += Int64(count)
        if position.skippingLongLine { return }
        var event = SSHDLogEvent(kind: .other)
        let parser = SSHDLogParser(framing: .syslog, classicYear: self.classicYear)
        if parser.parse(line: UnsafeBufferPointer(rebasing: self.buffer[0..<count]), into: &event) == .sshd {
            events.append(event)
        }
    }

    /// The file was truncated in place (copytruncate) or replaced by one with the same inode. Reads the unread
    /// tail from the copy logrotate made, if one is found, then restarts at the file's start. When `limit` is
    /// reached inside the copy, the position stays in it and the next call continues there.
    private func recoverFromTruncation(
        _ position: LogFilePosition,
        current: OpenFile,
        limit: Int,
        into events: inout [SSHDLogEvent]
    ) throws {
        var position = position
        if let copy = try self.findCopy(of: position, excluding: current.status) {
            defer { try? copy.descriptor.close() }
            var outcome = ReadOutcome.moreAvailable
            while outcome == .moreAvailable {
                outcome = try self.read(copy, from: &position, limit: limit, into: &events)
            }
            guard outcome == .atEnd, events.count < limit else {
                // Continue in the copy next time: the position keeps the truncated file's identity and the
                // copy's offset, so the next read takes this path again.
                self.phase = .following(position)
                return
            }
            try self.finishPartialLine(copy, at: &position, into: &events)
            self.notices.append(
                LogSourceNotice(
                    kind: .truncated,
                    message: "\(self.path) was truncated after being copied to \(copy.path): read the copy's unread "
                        + "lines, restarting at the start"
                )
            )
        } else if let next = try self.oldestRotation(modifiedAfter: position.modified) {
            // Not truncated but replaced: the file was rotated away and compressed, and the new file got its
            // inode back. Rotations written since come first, as after any lost file.
            self.noteLost(position, reason: "rotated and then compressed or removed before it was read")
            self.phase = .following(Self.fresh(next))
            self.lastSeenSize = nil
            return
        } else if try self.compressedRotationExists(modifiedAfter: position.modified) {
            // A compressed rotation written since the last read (gzip keeps the original's time): the file was
            // rotated and compressed, and the new one reuses its inode.
            self.noteLost(position, reason: "rotated and then compressed before it was read")
        } else {
            let unread = self.lastSeenSize.map { max(0, $0 - position.offset) }
            self.notices.append(
                LogSourceNotice(
                    kind: .truncated,
                    message: "\(self.path) was truncated at offset \(position.offset) and no copy was found"
                        + (unread.map { $0 > 0 ? ": \($0) unread bytes lost" : "" } ?? "")
                        + "; restarting at the start"
                )
            )
        }
        self.phase = .following(Self.fresh(current.status))
        self.lastSeenSize = nil
    }

    // MARK: - Starting points

    /// A position at the start of the file `status` describes.
    private static func fresh(_ status: FileStatus) -> LogFilePosition {
        LogFilePosition(device: status.device, inode: status.inode, offset: 0)
    }

    /// Where a first read starts in `file`: its start, or just after its last complete line.
    private func startingPosition(in file: OpenFile) throws -> LogFilePosition {
        var position = Self.fresh(file.status)
        position.modified = file.status.modified
        if self.startPosition == .end, file.status.size > 0 {
            let tailStart = max(0, file.status.size - Int64(self.buffer.count))
            let count = try self.pread(file, at: tailStart, into: UnsafeMutableRawBufferPointer(self.buffer))
            let tail = UnsafeBufferPointer(rebasing: self.buffer[0..<count])
            if let lastNewline = tail.lastIndex(of: UInt8(ascii: "\n")) {
                position.offset = tailStart + Int64(lastNewline) + 1
            } else if tailStart > 0 {
                // Inside a line longer than the buffer: skip the rest of it.
                position.offset = file.status.size
                position.skippingLongLine = true
            }
        }
        try self.updateFingerprint(&position, in: file)
        return position
    }

    // MARK: - Fingerprints

    /// Extends the fingerprint to cover `min(offset, fingerprintLimit)` bytes.
    private func updateFingerprint(_ position: inout LogFilePosition, in file: OpenFile) throws {
        let wanted = Int(min(position.offset, Int64(LogFilePosition.fingerprintLimit)))
        guard wanted > position.headLength else { return }
        if let hash = try self.headHash(of: file, length: wanted) {
            position.headLength = wanted
            position.headHash = hash
        }
    }

    /// Whether `file` still starts with the bytes `position` was fingerprinted with.
    private func fingerprintMatches(_ position: LogFilePosition, in file: OpenFile) throws -> Bool {
        guard position.headLength > 0 else { return true }
        return try self.headHash(of: file, length: position.headLength) == position.headHash
    }

    /// The FNV-1a hash of the first `length` bytes of `file`, or `nil` when it is shorter.
    private func headHash(of file: OpenFile, length: Int) throws -> UInt64? {
        var head = [UInt8](repeating: 0, count: length)
        let count = try head.withUnsafeMutableBytes { try self.pread(file, at: 0, into: $0) }
        guard count == length else { return nil }
        return head.withUnsafeBytes { LogFilePosition.hash($0) }
    }

    // MARK: - Rotated files

    /// The paths beside the log that rotation produces: `auth.log.1`, `auth.log.2.gz`, `secure-20261121`.
    private func rotatedSiblings() -> [String] {
        let file = FilePath(self.path)
        guard let base = file.lastComponent?.string else { return [] }
        let directory = file.removingLastComponent()
        let directoryPath = directory.isEmpty ? "." : directory.string
        guard let stream = opendir(directoryPath) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.count > base.count, name.hasPrefix(base),
                let separator = name.dropFirst(base.count).first, separator == "." || separator == "-"
            {
                names.append(name)
            }
        }
        // Newest rotation first: `.1` before `.2` (numerically, `.10` after `.9`), `-20261121` before `-20261114`.
        names.sort { Self.rotationOrder(lhs: $0, rhs: $1, baseLength: base.utf8.count) }
        return names.map { directory.appending($0).string }
    }

    /// Whether rotated file `lhs` is newer than `rhs`: numbered suffixes by number, others (dates) by name
    /// descending; compression suffixes do not count.
    private static func rotationOrder(lhs: String, rhs: String, baseLength: Int) -> Bool {
        func key(_ name: String) -> (number: Int?, text: Substring) {
            var suffix = Substring(name.utf8.dropFirst(baseLength + 1))
            if let dot = suffix.lastIndex(of: "."), Self.isCompressed(String(suffix[dot...])) {
                suffix = suffix[..<dot]
            }
            return (Int(suffix), suffix)
        }
        let left = key(lhs)
        let right = key(rhs)
        switch (left.number, right.number) {
        case (let l?, let r?): return l != r ? l < r : lhs < rhs
        case (.some, .none): return true
        case (.none, .some): return false
        case (.none, .none): return left.text != right.text ? left.text > right.text : lhs < rhs
        }
    }

    /// The nearest rotation in `newer` (nearest first) that can be read; compressed ones before it are reported
    /// as lost whole.
    private func nextRotation(in newer: [String]) throws -> FileStatus? {
        for path in newer {
            if Self.isCompressed(path) {
                self.notices.append(
                    LogSourceNotice(
                        kind: .linesLost,
                        message: "\(path) was rotated and compressed before it was read: its lines were not read"
                    )
                )
                continue
            }
            guard let file = try self.open(path) else { continue }
            defer { try? file.descriptor.close() }
            return file.status
        }
        return nil
    }

    /// Whether `path` names a compressed rotation, which this follower cannot read.
    private static func isCompressed(_ path: String) -> Bool {
        [".gz", ".xz", ".bz2", ".zst", ".lz4", ".Z"].contains { path.hasSuffix($0) }
    }

    /// The renamed file whose device and inode `identity` records, opened, and the rotations newer than it,
    /// nearest first.
    private func findRotated(identity: LogFilePosition) throws -> (file: OpenFile, newer: [String])? {
        let siblings = self.rotatedSiblings()
        for (index, sibling) in siblings.enumerated() where !Self.isCompressed(sibling) {
            guard let file = try self.open(sibling) else { continue }
            if file.status.isFile(of: identity) { return (file, siblings[..<index].reversed()) }
            try? file.descriptor.close()
        }
        return nil
    }

    /// The oldest readable rotation modified after `time`, or `nil` (also when `time` is unknown).
    private func oldestRotation(modifiedAfter time: Int64?) throws -> FileStatus? {
        guard let time else { return nil }
        for sibling in self.rotatedSiblings().reversed() where !Self.isCompressed(sibling) {
            guard let file = try self.open(sibling) else { continue }
            defer { try? file.descriptor.close() }
            if file.status.modified > time { return file.status }
        }
        return nil
    }

    /// Whether a compressed rotation was last modified at or after `time` (`false` when `time` is unknown).
    ///
    /// "At" counts: gzip gives the compressed file the original's time, which equals the time last seen when
    /// the file was compressed right after that read.
    private func compressedRotationExists(modifiedAfter time: Int64?) throws -> Bool {
        guard let time else { return false }
        for sibling in self.rotatedSiblings() where Self.isCompressed(sibling) {
            guard let file = try self.open(sibling) else { continue }
            defer { try? file.descriptor.close() }
            if file.status.modified >= time { return true }
        }
        return false
    }

    /// A copy of the followed file (copytruncate): another file, at least as long as what was read, that starts
    /// with the same bytes.
    private func findCopy(of position: LogFilePosition, excluding current: FileStatus) throws -> OpenFile? {
        for sibling in self.rotatedSiblings() where !Self.isCompressed(sibling) {
            guard let file = try self.open(sibling) else { continue }
            if file.status.device != current.device || file.status.inode != current.inode,
                file.status.size >= position.offset, position.headLength > 0,
                try self.fingerprintMatches(position, in: file)
            {
                return file
            }
            try? file.descriptor.close()
        }
        return nil
    }

    // MARK: - Notices

    private func noteMissing() {
        guard !self.reportedMissing else { return }
        self.reportedMissing = true
        self.notices.append(LogSourceNotice(kind: .fileMissing, message: "\(self.path) does not exist"))
    }

    /// Records that the file `position` was reading vanished with a tail possibly unread.
    private func noteLost(_ position: LogFilePosition, reason: String) {
        let compressed = self.rotatedSiblings().filter(Self.isCompressed)
        var message = "\(self.path) was \(reason)"
        // The size last seen is a lower bound: lines may have been added between that look and the rotation.
        if let size = self.lastSeenSize, size > position.offset {
            message += ": at least \(size - position.offset) unread bytes lost"
        } else {
            message += ": any lines written after offset \(position.offset) before the rotation were not read"
        }
        if !compressed.isEmpty { message += " (compressed rotations: \(compressed.joined(separator: ", ")))" }
        self.notices.append(LogSourceNotice(kind: .linesLost, message: message))
    }

    // MARK: - State file

    private func loadState() throws {
        guard let stateFilePath else { return }
        let reset = { (reason: String) in
            let start = self.startPosition == .end ? "the end" : "the start"
            self.notices.append(
                LogSourceNotice(kind: .stateReset, message: "\(reason): reading \(self.path) from \(start)")
            )
        }
        guard let bytes = try StateFile(path: stateFilePath).read() else {
            let start = self.startPosition == .end ? "the end" : "the start"
            self.notices.append(
                LogSourceNotice(
                    kind: .startedWithoutState,
                    message: "no saved position in \(stateFilePath): reading \(self.path) from \(start)"
                )
            )
            return
        }
        guard let (path, position) = LogFilePosition.parseState(String(decoding: bytes, as: UTF8.self)) else {
            reset("the state file \(stateFilePath) is corrupt")
            return
        }
        guard path == self.path else {
            reset("the state file \(stateFilePath) is for \(path)")
            return
        }
        self.phase = position.inode == 0 ? .awaitingNewFile : .following(position)
        self.savedStateText = self.stateText()
    }

    /// The state file's content for the current phase, `nil` before a start was chosen.
    private func stateText() -> String? {
        switch self.phase {
        case .unstarted: nil
        case .following(let position): position.stateText(path: self.path)
        case .awaitingNewFile: LogFilePosition(device: 0, inode: 0, offset: 0).stateText(path: self.path)
        }
    }

    private func saveState() throws {
        guard let stateFilePath, let text = self.stateText(), text != self.savedStateText else { return }
        try StateFile(path: stateFilePath).write(text)
        self.savedStateText = text
    }

    // MARK: - System calls

    /// Opens `path` for reading; `nil` when it does not exist.
    private func open(_ path: String) throws -> OpenFile? {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            return nil
        } catch let errno as Errno {
            throw LogSourceError(operation: "open", path: path, errno: errno)
        }
        do {
            return OpenFile(path: path, descriptor: descriptor, status: try FileStatus(of: descriptor, path: path))
        } catch {
            try? descriptor.close()
            throw error
        }
    }

    /// Reads up to `buffer.count` bytes at `offset`, fewer only at the end of the file.
    private func pread(_ file: OpenFile, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        do {
            while total < buffer.count {
                let count = try file.descriptor.read(
                    fromAbsoluteOffset: offset + Int64(total),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]),
                    retryOnInterrupt: true
                )
                if count == 0 { break }
                total += count
            }
        } catch let errno as Errno {
            throw LogSourceError(operation: "read", path: file.path, errno: errno)
        }
        return total
    }

    /// The index of the next `\n` at or after `start` (`memchr`, which is vectorised in glibc).
    private static func newline(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        guard let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
