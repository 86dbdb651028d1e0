// Rendering events as one line of text or JSON, appended to a byte buffer. This is the `events` command's hot
// path, so it writes bytes directly instead of going through a JSON encoder or string interpolation.
//
// Every string an event holds may come from an attacker (user names, disconnect texts) and is valid UTF-8 but
// may contain control characters, including terminal escape sequences. Both renderings escape them.

extension SSHDLogEvent {
    /// The event as one JSON object and a newline, e.g.
    /// `{"time":"2026-11-21T10:00:00Z","host":"web1","program":"sshd","pid":1234,"kind":"accepted",...}`.
    /// Absent fields are left out; booleans appear only when true.
    public func appendJSONLine(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            out.appendJSONString(value)
        }
        func number(_ name: StaticString, _ value: Int?) {
            guard let value else { return }
            key(name)
            out.appendDecimal(value)
        }
        if let timestamp = self.timestamp {
            key("time")
            out.append(UInt8(ascii: "\""))
            timestamp.appendText(to: &out)
            out.append(UInt8(ascii: "\""))
        }
        string("host", self.host)
        string("program", self.program?.rawValue)
        number("pid", self.pid)
        string("kind", self.kind.rawValue)
        self.forEachField(string: string, number: number)
        if self.invalidUser {
            key("invalid_user")
            out.append(contentsOf: "true".utf8)
        }
        if self.preauth {
            key("preauth")
            out.append(contentsOf: "true".utf8)
        }
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    /// The event as one line of text and a newline: `TIME HOST PROGRAM[PID] KIND key=value ...`, with `-` for
    /// an absent time, host or program, and values quoted and escaped (JSON rules) when they contain a space,
    /// a quote, a backslash or a control character.
    public func appendTextLine(to out: inout [UInt8]) {
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
            out.append(contentsOf: program.rawValue.utf8)
            if let pid = self.pid {
                out.append(UInt8(ascii: "["))
                out.appendDecimal(pid)
                out.append(UInt8(ascii: "]"))
            }
        } else {
            out.append(UInt8(ascii: "-"))
        }
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: self.kind.rawValue.utf8)
        func key(_ name: StaticString) {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(UInt8(ascii: "="))
        }
        self.forEachField(
            string: { name, value in
                guard let value else { return }
                key(name)
                out.appendTextValue(value)
            },
            number: { name, value in
                guard let value else { return }
                key(name)
                out.appendDecimal(value)
            }
        )
        if self.invalidUser { out.append(contentsOf: " invalid_user".utf8) }
        if self.preauth { out.append(contentsOf: " preauth".utf8) }
        out.append(UInt8(ascii: "\n"))
    }

    /// The kind-specific fields in a fixed order, shared by both renderings so they never disagree.
    private func forEachField(
        string: (StaticString, String?) -> Void,
        number: (StaticString, Int?) -> Void
    ) {
        string("user", self.user)
        string("address", self.address)
        number("port", self.port)
        string("method", self.method)
        string("listener_address", self.listenerAddress)
        number("listener_port", self.listenerPort)
        number(self.kind.countName, self.count)
        number("session_pid", self.sessionPID)
        string("duration", self.duration)
        string("drop_reason", self.dropReason)
        string("penalty", self.penalty)
        string("path", self.path)
        string(self.kind == .other ? "message" : "detail", self.detail)
    }
}

extension SSHDLogEventKind {
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

extension [UInt8] {
    /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters (C0, DEL
    /// and C1, so a hostile user name cannot smuggle terminal escape sequences through).
    mutating func appendJSONString(_ value: String) {
        self.append(UInt8(ascii: "\""))
        self.appendEscaped(value)
        self.append(UInt8(ascii: "\""))
    }

    /// Appends `value` bare when it is a plain token, else as a JSON string literal.
    mutating func appendTextValue(_ value: String) {
        var plain = !value.isEmpty
        for byte in value.utf8 where byte <= 0x20 || byte == 0x22 || byte == 0x5C || byte >= 0x7F {
            // Non-ASCII is fine in a token unless it is a C1 control (U+0080-U+009F, UTF-8 C2 80-C2 9F); checking
            // every non-ASCII value exactly is not worth it, so non-ASCII values are simply quoted.
            plain = false
            break
        }
        if plain {
            self.append(contentsOf: value.utf8)
        } else {
            self.appendJSONString(value)
        }
    }

    private mutating func appendEscaped(_ value: String) {
        var afterC2 = false
        for byte in value.utf8 {
            if afterC2 {
                afterC2 = false
                if byte < 0xA0 {
                    // C2 80...C2 9F is a C1 control character: escape it as \u0080...\u009f.
                    self.removeLast()
                    self.appendUnicodeEscape(byte)
                    continue
                }
            }
            switch byte {
            case 0x22: self.append(contentsOf: [0x5C, 0x22])
            case 0x5C: self.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: self.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: self.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: self.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20, 0x7F: self.appendUnicodeEscape(byte)
            case 0xC2:
                afterC2 = true
                self.append(byte)
            default: self.append(byte)
            }
        }
    }

    private mutating func appendUnicodeEscape(_ scalar: UInt8) {
        let hex: StaticString = "0123456789abcdef"
        self.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
        self.append(hex.utf8Start[Int(scalar >> 4)])
        self.append(hex.utf8Start[Int(scalar & 0x0F)])
    }
}
