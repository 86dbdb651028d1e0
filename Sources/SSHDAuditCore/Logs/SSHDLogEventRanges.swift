/// An ``SSHDLogEvent`` whose text fields are byte ranges into the line it was parsed from: the fast path.
///
/// Classifying a line into this value creates no `String`s, so a run that only counts events, or renders them
/// straight from the line's bytes (``appendJSONLine(line:to:)``), pays for no allocation and no UTF-8
/// decoding per line. The ranges are only meaningful together with that line's buffer, which the caller keeps;
/// ``event(in:)`` turns the value into the owned ``SSHDLogEvent`` that checks and log sources keep.
///
/// The fields mean what ``SSHDLogEvent``'s fields of the same names mean; a text field is `nil` exactly when
/// the owned event's is.
public struct SSHDLogEventRanges: Sendable, Hashable {
    /// What the line says happened.
    public var kind: SSHDLogEventKind
    /// When, as the log line stated it.
    public var timestamp: LogTimestamp?
    /// The program that logged the line.
    public var program: SSHDProgram?
    /// Whether sshd called the user invalid.
    public var invalidUser = false
    /// Whether the line ended in ` [preauth]`.
    public var preauth = false
    /// Why a connection was dropped (a fixed word rather than text from the line).
    public var dropReason: DropReason?

    // Compact storage: a few hundred thousand of these are reset per second, so each text field is two 32-bit
    // offsets and each number an `Int` with `Int.min` for `nil`, instead of `Range<Int>?` and `Int?`.
    var storedHost = ByteRange.none
    var storedUser = ByteRange.none
    var storedAddress = ByteRange.none
    var storedMethod = ByteRange.none
    var storedListenerAddress = ByteRange.none
    var storedDuration = ByteRange.none
    var storedPenalty = ByteRange.none
    var storedPath = ByteRange.none
    var storedDetail = ByteRange.none
    var storedPID = Int.min
    var storedPort = Int.min
    var storedListenerPort = Int.min
    var storedCount = Int.min
    var storedSessionPID = Int.min
    var storedRepeated = Int.min

    /// Why sshd dropped a connection, for ``SSHDLogEventKind/dropConnection`` and
    /// ``SSHDLogEventKind/dropRateLimited``.
    public enum DropReason: String, Sendable, Hashable, CaseIterable {
        /// Past the MaxStartups limit.
        case maxStartups = "MaxStartups"
        /// A PerSourcePenalties penalty.
        case perSourcePenalties = "PerSourcePenalties"
    }

    /// An event of `kind` with every other field empty.
    public init(kind: SSHDLogEventKind = .other) {
        self.kind = kind
    }

    /// The host name field, if the line had a non-empty one.
    public var host: Range<Int>? { self.storedHost.range }
    /// The user name the client asked for (attacker-controlled).
    public var user: Range<Int>? { self.storedUser.range }
    /// The remote address (validated IPv4 or IPv6 text).
    public var address: Range<Int>? { self.storedAddress.range }
    /// The authentication method.
    public var method: Range<Int>? { self.storedMethod.range }
    /// The local (listener) address.
    public var listenerAddress: Range<Int>? { self.storedListenerAddress.range }
    /// How long throttling has lasted, as sshd printed it.
    public var duration: Range<Int>? { self.storedDuration.range }
    /// The penalty of a PerSourcePenalties drop.
    public var penalty: Range<Int>? { self.storedPenalty.range }
    /// A file or directory path.
    public var path: Range<Int>? { self.storedPath.range }
    /// Free text (see ``SSHDLogEvent/detail``).
    public var detail: Range<Int>? { self.storedDetail.range }
    /// The process id of the logging process.
    public var pid: Int? { Self.optional(self.storedPID) }
    /// The remote port.
    public var port: Int? { Self.optional(self.storedPort) }
    /// The local (listener) port.
    public var listenerPort: Int? { Self.optional(self.storedListenerPort) }
    /// A count (see ``SSHDLogEvent/count``).
    public var count: Int? { Self.optional(self.storedCount) }
    /// The sshd-session pid named by a 9.8+ timeout line.
    public var sessionPID: Int? { Self.optional(self.storedSessionPID) }
    /// How many identical messages an rsyslog `message repeated N times` line stands for.
    public var repeated: Int? { Self.optional(self.storedRepeated) }

    /// The owned event, with `line` (the buffer this value was parsed from) supplying the text fields; invalid
    /// UTF-8 in them is repaired to U+FFFD.
    public func event(in line: UnsafeBufferPointer<UInt8>) -> SSHDLogEvent {
        SSHDLogEvent(
            kind: self.kind,
            timestamp: self.timestamp,
            host: self.storedHost.string(in: line),
            program: self.program,
            pid: self.pid,
            user: self.storedUser.string(in: line),
            invalidUser: self.invalidUser,
            address: self.storedAddress.string(in: line),
            port: self.port,
            method: self.storedMethod.string(in: line),
            listenerAddress: self.storedListenerAddress.string(in: line),
            listenerPort: self.listenerPort,
            count: self.count,
            sessionPID: self.sessionPID,
            duration: self.storedDuration.string(in: line),
            dropReason: self.dropReason?.rawValue,
            penalty: self.storedPenalty.string(in: line),
            path: self.storedPath.string(in: line),
            detail: self.storedDetail.string(in: line),
            preauth: self.preauth,
            repeated: self.repeated
        )
    }

    @inline(__always)
    private static func optional(_ stored: Int) -> Int? {
        stored == .min ? nil : stored
    }
}
