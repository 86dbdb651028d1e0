// Rendering events as one line of text or JSON into a ``ByteWriter``. This is the `events` command's hot path,
// so it writes bytes directly instead of going through a JSON encoder or string interpolation.
//
// Every string an event holds may come from an attacker (user names, disconnect texts) and is valid UTF-8 but
// may contain control characters, including terminal escape sequences. Both renderings escape them.

extension SSHDLogEvent {
    /// The event as one JSON object and a newline, e.g.
    /// `{"kind":"accepted","time":"2026-11-21T10:00:00Z","host":"web1","program":"sshd","pid":1234,...}`.
    /// `kind` comes first; absent fields are left out; booleans appear only when true.
    public func appendJSONLine(to out: inout ByteWriter) {
        out.appendJSONLine(of: self)
    }

    /// The event as one line of text and a newline: `TIME HOST PROGRAM[PID] KIND key=value ...`, with `-` for
    /// an absent time, host or program, and values quoted and escaped (JSON rules) when they contain a space,
    /// a quote, a backslash, a control character or non-ASCII.
    public func appendTextLine(to out: inout ByteWriter) {
        out.appendTextLine(of: self)
    }
}

extension SSHDLogEventRanges {
    /// ``SSHDLogEvent/appendJSONLine(to:)`` for this event, its text taken from `line` (the buffer it was parsed
    /// from): byte for byte what the owned event (``event(in:)``) renders, without creating its strings.
    public func appendJSONLine(line: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        out.appendJSONLine(of: RangesInLine(event: self, line: line))
    }

    /// ``SSHDLogEvent/appendTextLine(to:)`` for this event, its text taken from `line` (the buffer it was
    /// parsed from): byte for byte what the owned event renders.
    public func appendTextLine(line: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        out.appendTextLine(of: RangesInLine(event: self, line: line))
    }
}

/// The text fields an event renders, named for ``RenderableLogEvent/withText(_:_:)``.
enum LogEventTextField {
    case host, user, address, method, listenerAddress, duration, dropReason, penalty, path, detail
}

/// What rendering needs from an event: the scalar fields, and each text field as valid UTF-8 bytes. Both the
/// owned ``SSHDLogEvent`` and an ``SSHDLogEventRanges`` with its line conform, so one renderer serves both and
/// their output cannot drift apart.
protocol RenderableLogEvent {
    var kind: SSHDLogEventKind { get }
    var timestamp: LogTimestamp? { get }
    var program: SSHDProgram? { get }
    var pid: Int? { get }
    var invalidUser: Bool { get }
    var port: Int? { get }
    var listenerPort: Int? { get }
    var count: Int? { get }
    var sessionPID: Int? { get }
    var preauth: Bool { get }
    var repeated: Int? { get }
    /// Calls `body` with the field's bytes (valid UTF-8), or with `nil` when the event lacks the field.
    func withText(_ field: LogEventTextField, _ body: (UnsafeBufferPointer<UInt8>?) -> Void)
}

extension SSHDLogEvent: RenderableLogEvent {
    @inline(__always)
    func withText(_ field: LogEventTextField, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        let value: String?
        switch field {
        case .host: value = self.host
        case .user: value = self.user
        case .address: value = self.address
        case .method: value = self.method
        case .listenerAddress: value = self.listenerAddress
        case .duration: value = self.duration
        case .dropReason: value = self.dropReason
        case .penalty: value = self.penalty
        case .path: value = self.path
        case .detail: value = self.detail
        }
        guard let value else { return body(nil) }
        value.withUTF8Bytes { body($0) }
    }
}

/// An ``SSHDLogEventRanges`` together with the line its ranges point into.
struct RangesInLine: RenderableLogEvent {
    var event: SSHDLogEventRanges
    var line: UnsafeBufferPointer<UInt8>

    var kind: SSHDLogEventKind { self.event.kind }
    var timestamp: LogTimestamp? { self.event.timestamp }
    var program: SSHDProgram? { self.event.program }
    var pid: Int? { self.event.pid }
    var invalidUser: Bool { self.event.invalidUser }
    var port: Int? { self.event.port }
    var listenerPort: Int? { self.event.listenerPort }
    var count: Int? { self.event.count }
    var sessionPID: Int? { self.event.sessionPID }
    var preauth: Bool { self.event.preauth }
    var repeated: Int? { self.event.repeated }

    @inline(__always)
    func withText(_ field: LogEventTextField, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        let range: ByteRange
        switch field {
        case .host: range = self.event.storedHost
        case .user: range = self.event.storedUser
        case .address: range = self.event.storedAddress
        case .method: range = self.event.storedMethod
        case .listenerAddress: range = self.event.storedListenerAddress
        case .duration: range = self.event.storedDuration
        case .penalty: range = self.event.storedPenalty
        case .path: range = self.event.storedPath
        case .detail: range = self.event.storedDetail
        case .dropReason:
            guard let reason = self.event.dropReason else { return body(nil) }
            let name = reason.name
            return body(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
        guard let bytes = range.bytes(in: self.line) else { return body(nil) }
        // The owned event holds `String(decoding:)` of these bytes, which repairs invalid UTF-8; ASCII (nearly
        // every field) is valid as it is, anything else goes through the same repair so both render alike.
        if bytes.isASCII {
            body(bytes)
        } else {
            String(decoding: bytes, as: UTF8.self).withUTF8Bytes { body($0) }
        }
    }
}

extension ByteWriter {
    fileprivate mutating func appendJSONLine(of event: some RenderableLogEvent) {
        self.append(#"{"kind":""#)
        self.append(event.kind.name)
        self.append(UInt8(ascii: "\""))
        if let timestamp = event.timestamp {
            self.append(#","time":""#)
            timestamp.appendText(to: &self)
            self.append(UInt8(ascii: "\""))
        }
        self.appendField("host", .host, of: event, .json)
        if let program = event.program {
            self.append(#","program":""#)
            self.append(program.name)
            self.append(UInt8(ascii: "\""))
        }
        self.appendField("pid", event.pid, .json)
        self.appendFields(of: event, .json)
        if event.invalidUser { self.append(#","invalid_user":true"#) }
        if event.preauth { self.append(#","preauth":true"#) }
        self.append("}\n")
    }

    fileprivate mutating func appendTextLine(of event: some RenderableLogEvent) {
        if let timestamp = event.timestamp {
            timestamp.appendText(to: &self)
        } else {
            self.append(UInt8(ascii: "-"))
        }
        self.append(UInt8(ascii: " "))
        event.withText(.host) { host in
            if let host, !host.isEmpty {
                self.appendTextValue(host)
            } else {
                self.append(UInt8(ascii: "-"))
            }
        }
        self.append(UInt8(ascii: " "))
        if let program = event.program {
            self.append(program.name)
            if let pid = event.pid {
                self.append(UInt8(ascii: "["))
                self.appendDecimal(pid)
                self.append(UInt8(ascii: "]"))
            }
        } else {
            self.append(UInt8(ascii: "-"))
        }
        self.append(UInt8(ascii: " "))
        self.append(event.kind.name)
        self.appendFields(of: event, .text)
        if event.invalidUser { self.append(" invalid_user") }
        if event.preauth { self.append(" preauth") }
        self.append(UInt8(ascii: "\n"))
    }

    /// The kind-specific fields in a fixed order, shared by both renderings so they never disagree.
    private mutating func appendFields(of event: some RenderableLogEvent, _ style: OutputStyle) {
        self.appendField("user", .user, of: event, style)
        self.appendField("address", .address, of: event, style)
        self.appendField("port", event.port, style)
        self.appendField("method", .method, of: event, style)
        self.appendField("listener_address", .listenerAddress, of: event, style)
        self.appendField("listener_port", event.listenerPort, style)
        self.appendField(event.kind.countName, event.count, style)
        self.appendField("session_pid", event.sessionPID, style)
        self.appendField("duration", .duration, of: event, style)
        self.appendField("drop_reason", .dropReason, of: event, style)
        self.appendField("penalty", .penalty, of: event, style)
        self.appendField("path", .path, of: event, style)
        self.appendField(event.kind == .other ? "message" : "detail", .detail, of: event, style)
        self.appendField("repeated", event.repeated, style)
    }
}

/// The two renderings of a field: `,"name":value` or ` name=value`.
enum OutputStyle {
    case json
    case text
}

extension ByteWriter {
    @inline(__always)
    fileprivate mutating func appendKey(_ name: StaticString, _ style: OutputStyle) {
        switch style {
        case .json:
            self.append(#",""#)
            self.append(name)
            self.append(#"":"#)
        case .text:
            self.append(UInt8(ascii: " "))
            self.append(name)
            self.append(UInt8(ascii: "="))
        }
    }

    @inline(__always)
    fileprivate mutating func appendField(
        _ name: StaticString,
        _ field: LogEventTextField,
        of event: some RenderableLogEvent,
        _ style: OutputStyle
    ) {
        event.withText(field) { value in
            guard let value else { return }
            self.appendKey(name, style)
            switch style {
            case .json:
                self.append(UInt8(ascii: "\""))
                self.appendEscaped(value)
                self.append(UInt8(ascii: "\""))
            case .text: self.appendTextValue(value)
            }
        }
    }

    @inline(__always)
    fileprivate mutating func appendField(_ name: StaticString, _ value: Int?, _ style: OutputStyle) {
        guard let value else { return }
        self.appendKey(name, style)
        self.appendDecimal(value)
    }

    /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters (C0, DEL
    /// and C1, so a hostile user name cannot smuggle terminal escape sequences through).
    mutating func appendJSONString(_ value: String) {
        value.withUTF8Bytes { bytes in
            self.append(UInt8(ascii: "\""))
            self.appendEscaped(bytes)
            self.append(UInt8(ascii: "\""))
        }
    }

    /// Appends `value` bare when it is a plain token, else as a JSON string literal.
    mutating func appendTextValue(_ value: String) {
        value.withUTF8Bytes { self.appendTextValue($0) }
    }

    /// Appends the valid UTF-8 `bytes` bare when they are a plain token, else as a JSON string literal.
    mutating func appendTextValue(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Non-ASCII is fine in a token unless it is a C1 control; checking that exactly is not worth it, so
        // any non-ASCII value is quoted (and its C1 controls escaped).
        var plain = !bytes.isEmpty
        for byte in bytes where byte <= 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x7F {
            plain = false
            break
        }
        if plain {
            self.append(contentsOf: bytes)
        } else {
            self.append(UInt8(ascii: "\""))
            self.appendEscaped(bytes)
            self.append(UInt8(ascii: "\""))
        }
    }

    /// Copies runs of bytes that need no escaping in one go; only the rare escaped byte is handled singly.
    fileprivate mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let end = bytes.count
        while index < end {
            index = Self.firstByteNeedingAttention(bytes, from: index)
            guard index < end else { break }
            let byte = bytes[index]
            // Printable ASCII other than `"` and `\` is by far the common case: one range test and two compares.
            if byte &- 0x20 < 0x5F && byte != 0x22 && byte != 0x5C {
                index += 1
                continue
            }
            if byte >= 0x80 && !(byte == 0xC2 && index + 1 < end && bytes[index + 1] < 0xA0) {
                // Non-ASCII other than a C1 control passes through as it is (the string is valid UTF-8).
                index += 1
                continue
            }
            self.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            switch byte {
            case 0x22: self.append(#"\""#)
            case 0x5C: self.append(#"\\"#)
            case 0x0A: self.append("\\n")
            case 0x0D: self.append("\\r")
            case 0x09: self.append("\\t")
            case 0xC2:
                // C2 80...C2 9F is a C1 control character (U+0080...U+009F).
                index += 1
                self.appendUnicodeEscape(bytes[index])
            default: self.appendUnicodeEscape(byte)
            }
            index += 1
            runStart = index
        }
        self.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
    }

    /// The first index at or after `start` whose byte may need escaping (a control, `"`, `\`, DEL or non-ASCII),
    /// or a later index with a byte that certainly does not; `bytes.count` when there is none. Skips eight
    /// plain bytes per step (SWAR), as most fields are plain ASCII throughout.
    @inline(__always)
    private static func firstByteNeedingAttention(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while bytes.count - index >= 8 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // Each term marks the bytes below 0x20, equal to `"`, `\` or DEL, or with the high bit set; a borrow
            // can only mark a byte above a true match, so the lowest mark is a byte that needs a look.
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let delete = word ^ (ones &* 0x7F)
            let control = (word &- ones &* 0x20) & ~word
            let marks =
                (control | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (delete &- ones) & ~delete
                    | word) & highs
            if marks != 0 { return index + (marks.trailingZeroBitCount >> 3) }
            index += 8
        }
        return index
    }

    private mutating func appendUnicodeEscape(_ scalar: UInt8) {
        let hex: StaticString = "0123456789abcdef"
        self.append("\\u00")
        self.append(hex.utf8Start[Int(scalar >> 4)])
        self.append(hex.utf8Start[Int(scalar & 0x0F)])
    }
}

extension SSHDLogEventKind {
    /// ``rawValue`` as a literal, so rendering copies bytes instead of going through `String`.
    fileprivate var name: StaticString {
        switch self {
        case .accepted: "accepted"
        case .failedPassword: "failed_password"
        case .failedPublickey: "failed_publickey"
        case .failedOther: "failed_other"
        case .invalidUser: "invalid_user"
        case .maxAuthTriesExceeded: "max_auth_tries_exceeded"
        case .connectionClosed: "connection_closed"
        case .connectionReset: "connection_reset"
        case .disconnected: "disconnected"
        case .receivedDisconnect: "received_disconnect"
        case .timeoutBeforeAuthentication: "timeout_before_auth"
        case .maxStartupsBegin: "maxstartups_begin"
        case .maxStartupsThrottling: "maxstartups_throttling"
        case .maxStartupsExited: "maxstartups_exited"
        case .dropConnection: "drop_connection"
        case .dropRateLimited: "drop_rate_limited"
        case .badModesFile: "bad_modes_file"
        case .badModesDirectory: "bad_modes_directory"
        case .bindFailed: "bind_failed"
        case .serverListening: "server_listening"
        case .terminating: "terminating"
        case .missingPrivilegeSeparationDirectory: "missing_privsep_dir"
        case .noHostKeys: "no_host_keys"
        case .other: "other"
        }
    }

    /// What ``SSHDLogEvent/count`` means for this kind, used as its output name.
    fileprivate var countName: StaticString {
        switch self {
        case .terminating: "signal"
        case .receivedDisconnect: "code"
        case .dropConnection: "startups"
        default: "dropped"
        }
    }
}

extension SSHDLogEventRanges.DropReason {
    /// ``rawValue`` as a literal.
    fileprivate var name: StaticString {
        switch self {
        case .maxStartups: "MaxStartups"
        case .perSourcePenalties: "PerSourcePenalties"
        }
    }
}

extension SSHDProgram {
    /// ``rawValue`` as a literal.
    fileprivate var name: StaticString {
        switch self {
        case .sshd: "sshd"
        case .sshdSession: "sshd-session"
        case .sshdAuth: "sshd-auth"
        }
    }
}
