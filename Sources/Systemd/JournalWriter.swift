import CSystemd
import Glibc
import SystemPackage

/// Writes structured entries to the systemd journal, or to standard error when there is no journal.
///
/// An entry is a list of fields; ``JournalField`` guarantees every name is one journald accepts, so an entry
/// is never rejected for its names. Values are bytes and may contain newlines or binary data.
///
/// `sd_journal_sendv(3)` returns 0 without sending anything when the journald socket is missing (a container
/// without journald, a machine booted without systemd): that is when the writer says so and writes the entry
/// to its fallback descriptor instead, so an alert is never lost silently.
///
/// The writer holds no C resource (libsystemd keeps one process-wide datagram socket), so it is a `Sendable`
/// value usable from any thread.
public struct JournalWriter: Sendable {
    /// Where an entry went.
    public enum Destination: Sendable, Hashable {
        /// journald accepted it.
        case journal
        /// There was no journald socket; the entry was written to the fallback descriptor.
        case fallback
    }

    /// The socket libsystemd sends to; its absence is how a 0 return from `sd_journal_sendv` is recognised.
    public var socketPath: FilePath
    /// Where entries go when there is no journal (standard error by default).
    public var fallback: FileDescriptor

    /// - Parameters:
    ///   - socketPath: journald's socket, fixed by libsystemd; only tests change it.
    ///   - fallback: where entries go when there is no journald socket.
    public init(
        socketPath: FilePath = "/run/systemd/journal/socket",
        fallback: FileDescriptor = .standardError
    ) {
        self.socketPath = socketPath
        self.fallback = fallback
    }

    /// Whether journald's socket exists, i.e. whether entries reach a journal.
    public var isJournalAvailable: Bool {
        var info = stat()
        return self.socketPath.withPlatformString { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
    }

    /// Sends one entry with `fields`, in order. `MESSAGE` should be among them.
    ///
    /// The corresponding C function is `sd_journal_sendv(3)`.
    /// - Returns: where the entry went.
    /// - Throws: ``SystemdError`` when journald refused the entry (the socket exists but sending failed), or
    ///   when writing to the fallback failed.
    @discardableResult
    public func send(_ fields: [(JournalField, String)]) throws -> Destination {
        try self.send(fields.map { ($0.0, Array($0.1.utf8)) })
    }

    /// Sends one entry whose values are raw bytes.
    ///
    /// The corresponding C function is `sd_journal_sendv(3)`.
    @discardableResult
    public func send(_ fields: [(JournalField, [UInt8])]) throws -> Destination {
        // Each iovec is "NAME=value"; sd_journal_sendv switches to the binary framing by itself when a value
        // holds a newline.
        let items: [[UInt8]] = fields.map { Array($0.0.name.utf8) + [UInt8(ascii: "=")] + $0.1 }
        let sent = try Self.withIovecs(items) { (iovecs) throws(SystemdError) -> CInt in
            try check("sd_journal_sendv") { sd_journal_sendv(iovecs.baseAddress, CInt(iovecs.count)) }
        }
        // 0 with no socket means "dropped": libsystemd treats a missing journal as nothing to report.
        if sent == 0 && !self.isJournalAvailable {
            try self.writeFallback(fields)
            return .fallback
        }
        return .journal
    }

    /// Writes `SYSLOG_IDENTIFIER: <PRIORITY> MESSAGE FIELD=value ...` as one line to the fallback.
    private func writeFallback(_ fields: [(JournalField, [UInt8])]) throws(SystemdError) {
        func value(_ field: JournalField) -> [UInt8]? { fields.first { $0.0 == field }?.1 }
        var line: [UInt8] = []
        if let identifier = value(.syslogIdentifier) { line += identifier + Array(": ".utf8) }
        if let priority = value(.priority) { line += [UInt8(ascii: "<")] + priority + Array("> ".utf8) }
        line += value(.message) ?? Array("(no message)".utf8)
        for (field, bytes) in fields where field != .message && field != .priority && field != .syslogIdentifier {
            line += [UInt8(ascii: " ")] + Array(field.name.utf8) + [UInt8(ascii: "=")]
            // Keep the fallback one line per entry: newlines in values are shown escaped.
            for byte in bytes {
                if byte == UInt8(ascii: "\n") { line += Array("\\n".utf8) } else { line.append(byte) }
            }
        }
        line.append(UInt8(ascii: "\n"))
        do {
            _ = try self.fallback.writeAll(line)
        } catch let error as Errno {
            throw SystemdError(operation: "write (journal fallback)", errno: error)
        } catch {
            throw SystemdError(operation: "write (journal fallback)", errno: .ioError)
        }
    }

    /// Calls `body` with an iovec array pointing into `items`, valid only during the call.
    private static func withIovecs<R>(
        _ items: [[UInt8]],
        _ body: (UnsafeBufferPointer<iovec>) throws(SystemdError) -> R
    ) throws(SystemdError) -> R {
        // One contiguous buffer keeps every pointer valid for the whole call without nesting closures.
        let total = items.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(total, 1))
        defer { storage.deallocate() }
        let iovecs = UnsafeMutableBufferPointer<iovec>.allocate(capacity: max(items.count, 1))
        defer { iovecs.deallocate() }
        var offset = 0
        for (index, item) in items.enumerated() {
            let slice = UnsafeMutableBufferPointer(rebasing: storage[offset..<(offset + item.count)])
            _ = slice.initialize(from: item)
            iovecs[index] = iovec(iov_base: UnsafeMutableRawPointer(slice.baseAddress), iov_len: item.count)
            offset += item.count
        }
        return try body(UnsafeBufferPointer(rebasing: iovecs[0..<items.count]))
    }
}
