/// A small line format for ``AlertState``, so the daemon can keep it in its StateDirectory across restarts.
///
/// ```
/// sshd-auditor-alert-state 1
/// raised check=sshd-down severity=critical time=1250000000 suppressed=0 subject= summary=ssh.service%20is%20failed field.SSHD_UNIT=ssh.service
/// ```
///
/// One record per line: the phase (`raised`, `held`, `resolved`), then `name=value` tokens separated by single
/// spaces. Values are percent-encoded (`%`, controls and space as `%XX`), so any summary or field survives.
/// Times are the monotonic nanoseconds the state was updated with. Unknown tokens are ignored (a newer version
/// may add some); a bad line is reported and skipped, so a damaged file costs at most that alert.
extension AlertState {
    /// The first line of the format.
    public static let serializationHeader = "sshd-auditor-alert-state 1"

    /// The state as text, records in key order, ending with a newline.
    public func serialized() -> String {
        var text: [UInt8] = []
        self.serialize { text.append(contentsOf: $0) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Hands the text of ``serialized()`` to `output` in pieces of about `chunkBytes` bytes, as it is written.
    ///
    /// The daemon saves its state at every transition; after a flood of failed logins that is thousands of
    /// records, rewritten whenever one address crosses the threshold. Written straight into one small buffer,
    /// with no string per token or line, a save costs a fraction of what building the text did, and no
    /// allocation the size of the file.
    public func serialize<E: Error>(
        chunkBytes: Int = 1 << 16,
        to output: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        var writer = ByteWriter(capacity: chunkBytes + 1024)
        writer.append(Self.serializationHeader)
        writer.append(UInt8(ascii: "\n"))
        for key in self.records.keys.sorted() {
            guard let record = self.records[key] else { continue }
            let (phase, time): (StaticString, Duration) =
                switch record.phase {
                case .raised(let since): ("raised", since)
                case .held(let resolvedAt): ("held", resolvedAt)
                case .resolved(let at): ("resolved", at)
                }
            writer.append(phase)
            writer.append(" check=")
            writer.append(key.check.rawValue)
            writer.append(" severity=")
            writer.append(record.finding.severity.rawValue)
            writer.append(" time=")
            writer.appendDecimal(Int(Self.nanoseconds(time)))
            writer.append(" suppressed=")
            writer.appendDecimal(record.suppressedRaises)
            writer.append(" subject=")
            Self.appendPercentEncoded(key.subject, to: &writer)
            writer.append(" summary=")
            Self.appendPercentEncoded(record.finding.summary, to: &writer)
            for name in record.finding.fields.keys.sorted() {
                writer.append(" field.")
                Self.appendPercentEncoded(name, to: &writer)
                writer.append(UInt8(ascii: "="))
                Self.appendPercentEncoded(record.finding.fields[name] ?? "", to: &writer)
            }
            writer.append(UInt8(ascii: "\n"))
            if writer.count >= chunkBytes {
                try writer.withUnsafeBytes(output)
                writer.removeAll()
            }
        }
        try writer.withUnsafeBytes(output)
    }

    /// Reads text written by ``serialized()``. Bad lines become diagnostics and are left out; an unknown
    /// header is an error and yields an empty state (better one duplicate alert than a misread one).
    public static func parse(_ text: String, reraiseInterval: Duration, file: String? = nil) -> Parsed<AlertState> {
        var state = AlertState(reraiseInterval: reraiseInterval)
        var diagnostics: [ParseDiagnostic] = []
        func report(_ line: Int, _ message: String) {
            diagnostics.append(ParseDiagnostic(file: file, line: line, severity: .error, message: message))
        }

        var lineNumber = 0
        var sawHeader = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if rawLine.isEmpty { continue }
            if !sawHeader {
                guard rawLine == Self.serializationHeader else {
                    report(lineNumber, "not an alert state file (expected '\(Self.serializationHeader)')")
                    return Parsed(value: state, diagnostics: diagnostics)
                }
                sawHeader = true
                continue
            }
            let tokens = rawLine.split(separator: " ", omittingEmptySubsequences: false)
            var values: [Substring: String] = [:]
            var fields: [String: String] = [:]
            for token in tokens.dropFirst() {
                guard let equals = token.firstIndex(of: "=") else {
                    report(lineNumber, "token without '=': \(token)")
                    continue
                }
                let name = token[..<equals]
                let value = Self.percentDecoded(token[token.index(after: equals)...])
                if name.hasPrefix("field.") {
                    fields[Self.percentDecoded(name.dropFirst("field.".count))] = value
                } else {
                    values[name] = value
                }
            }
            guard let checkName = values["check"], let check = CheckID(rawValue: checkName) else {
                report(lineNumber, "unknown or missing check: \(values["check"] ?? "")")
                continue
            }
            guard let severityName = values["severity"], let severity = Severity(rawValue: severityName) else {
                report(lineNumber, "unknown or missing severity: \(values["severity"] ?? "")")
                continue
            }
            guard let timeText = values["time"], let nanos = Int64(timeText) else {
                report(lineNumber, "missing or bad time: \(values["time"] ?? "")")
                continue
            }
            let time = Duration.nanoseconds(nanos)
            let phase: Record.Phase
            switch tokens.first {
            case "raised": phase = .raised(since: time)
            case "held": phase = .held(resolvedAt: time)
            case "resolved": phase = .resolved(at: time)
            default:
                report(lineNumber, "unknown record kind: \(tokens.first ?? "")")
                continue
            }
            let finding = Finding(
                check: check,
                severity: severity,
                summary: values["summary"] ?? "",
                subject: values["subject"] ?? "",
                fields: fields
            )
            let suppressed = values["suppressed"].flatMap { Int($0) } ?? 0
            state.records[finding.alertKey] = Record(phase: phase, finding: finding, suppressedRaises: suppressed)
        }
        return Parsed(value: state, diagnostics: diagnostics)
    }

    // MARK: - Encoding helpers

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// `text` with `%`, `=`, space, controls and DEL as `%XX`, so a value is one token.
    private static func appendPercentEncoded(_ text: String, to writer: inout ByteWriter) {
        let hex: StaticString = "0123456789ABCDEF"
        text.withUTF8Bytes { bytes in
            for byte in bytes {
                if byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "=") {
                    writer.append(UInt8(ascii: "%"))
                    writer.append(hex.utf8Start[Int(byte >> 4)])
                    writer.append(hex.utf8Start[Int(byte & 0x0F)])
                } else {
                    writer.append(byte)
                }
            }
        }
    }

    private static func percentDecoded(_ text: Substring) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = Self.hexValue(input[index + 1]), let low = Self.hexValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
