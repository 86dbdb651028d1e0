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
        out.append(#"{"kind":""#)
        out.append(self.kind.name)
        out.append(UInt8(ascii: "\""))
        if let timestamp = self.timestamp {
            out.append(#","time":""#)
            timestamp.appendText(to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.appendField("host", self.host, .json)
        if let program = self.program {
            out.append(#","program":""#)
            out.append(program.name)
            out.append(UInt8(ascii: "\""))
        }
        out.appendField("pid", self.pid, .json)
        self.appendFields(to: &out, .json)
        if self.invalidUser { out.append(#","invalid_user":true"#) }
        if self.preauth { out.append(#","preauth":true"#) }
        out.append("}\n")
    }

    /// The event as one line of text and a newline: `TIME HOST PROGRAM[PID] KIND key=value ...`, with `-` for
    /// an absent time, host or program, and values quoted and escaped (JSON rules) when they contain a space,
    /// a quote, a backslash, a control character or non-ASCII.
    public func appendTextLine(to out: inout ByteWriter) {
        if let timestamp = self.timestamp {
            timestamp.appendText(to: &out)
        } else {
            out.append(UInt8(ascii: "-"))
        }
        out.append(UInt8(ascii: " "))
        if let host = self.host, !host.isEmpty {
            out.appendTextValue(host)
        } else {
            out.append(UInt8(ascii: "-"))
        }
        out.append(UInt8(ascii: " "))
        if let program = self.program {
            out.append(program.name)
            if let pid = self.pid {
                out.append(UInt8(ascii: "["))
                out.appendDecimal(pid)
                out.append(UInt8(ascii: "]"))
            }
        } else {
            out.append(UInt8(ascii: "-"))
        }
        out.append(UInt8(ascii: " "))
        out.append(self.kind.name)
        self.appendFields(to: &out, .text)
        if self.invalidUser { out.append(" invalid_user") }
        if self.preauth { out.append(" preauth") }
        out.append(UInt8(ascii: "\n"))
    }

    /// The kind-specific fields in a fixed order, shared by both renderings so they never disagree.
    private func appendFields(to out: inout ByteWriter, _ style: OutputStyle) {
        out.appendField("user", self.user, style)
        out.appendField("address", self.address, style)
        out.appendField("port", self.port, style)
        out.appendField("method", self.method, style)
        out.appendField("listener_address", self.listenerAddress, style)
        out.appendField("listener_port", self.listenerPort, style)
        out.appendField(self.kind.countName, self.count, style)
        out.appendField("session_pid", self.sessionPID, style)
        out.appendField("duration", self.duration, style)
        out.appendField("drop_reason", self.dropReason, style)
        out.appendField("penalty", self.penalty, style)
        out.appendField("path", self.path, style)
        out.appendField(self.kind == .other ? "message" : "detail", self.detail, style)
        out.appendField("repeated", self.repeated, style)
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
    fileprivate mutating func appendField(_ name: StaticString, _ value: String?, _ style: OutputStyle) {
        guard let value else { return }
        self.appendKey(name, style)
        switch style {
        case .json: self.appendJSONString(value)
        case .text: self.appendTextValue(value)
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
        value.withUTF8Bytes { bytes in
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
    }

    /// Copies runs of bytes that need no escaping in one go; only the rare escaped byte is handled singly.
    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let end = bytes.count
        while index < end {
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
