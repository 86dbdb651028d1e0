import SSHDAuditCore

/// Fuzzes ``SSHDLogParser`` (``SyslogLineParser`` and ``SSHDMessageClassifier`` underneath) and the event
/// renderers.
///
/// Input: one control byte (bit 0: bare-message framing instead of syslog; bits 1-2: how classic stamps get a
/// year; bits 3-7: the chunk size for streaming), then log text.
///
/// Invariants beyond "no crash": the streaming path (``LineSplitter`` over fuzzer-sized chunks, one reused
/// event variable, ``SSHDLogParser/parse(line:into:)``) and the owned path (``SSHDLogParser/parse(_:file:)``
/// over the whole text) give the same events and the same diagnostics; each diagnostic names an existing line;
/// every event renders to exactly one JSON line and one text line without control characters.
@_cdecl("LLVMFuzzerTestOneInput")
public func sshdLogFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let framing: SSHDLogParser.Framing = control & 1 == 0 ? .syslog : .message
    let year: SSHDLogParser.ClassicYear =
        switch (control >> 1) & 3 {
        case 0: .omitted
        case 1: .fixed(2026)
        case 2: .latestNotAfter(year: 2026, month: 1)
        default: .latestNotAfter(year: 2026, month: 12)
        }
    let chunkSize = Int(control >> 3) + 1
    let parser = SSHDLogParser(framing: framing, classicYear: year)
    // The owned path takes a String, which repairs invalid UTF-8; both paths read the repaired bytes.
    var text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let file = "auth.log"

    let owned = parser.parse(text, file: file)
    let lineCount = text.withUTF8 { FuzzCheck.lineCount($0) }
    FuzzCheck.requireLines(of: owned.diagnostics, within: lineCount, file: file, "sshd log")
    FuzzCheck.requireOrdered(owned.diagnostics, "sshd log")

    var streamed: [SSHDLogEvent] = []
    streamed.reserveCapacity(owned.value.count)
    var streamedDiagnostics: [ParseDiagnostic] = []
    var event = SSHDLogEvent(kind: .other)
    var splitter = LineSplitter()
    var lineNumber = 0
    func handle(_ line: UnsafeBufferPointer<UInt8>) {
        lineNumber += 1
        let single = parser.parse(line: line)
        switch parser.parse(line: line, into: &event) {
        case .sshd:
            FuzzCheck.require(
                single == .event(event),
                "parse(line:) and parse(line:into:) disagree on line \(lineNumber)"
            )
            streamed.append(event)
        case .otherProgram:
            FuzzCheck.require(
                single == .otherProgram,
                "parse(line:) and parse(line:into:) disagree on line \(lineNumber)"
            )
        case .unframed:
            FuzzCheck.require(single == .unframed, "parse(line:) and parse(line:into:) disagree on line \(lineNumber)")
            if let diagnostic = SSHDLogParser.diagnostic(forUnframedLine: line, number: lineNumber, file: file) {
                streamedDiagnostics.append(diagnostic)
            }
        }
    }
    text.withUTF8 { buffer in
        var start = 0
        while start < buffer.count {
            let end = min(start + chunkSize, buffer.count)
            splitter.split(UnsafeBufferPointer(rebasing: buffer[start..<end]), handle)
            start = end
        }
        splitter.finish(handle)
    }
    FuzzCheck.require(streamed == owned.value, "streamed and owned events differ")
    FuzzCheck.require(streamedDiagnostics == owned.diagnostics, "streamed and owned diagnostics differ")
    // Every event once, through two writers reused from event to event instead of two new ones per event.
    var rendering = SSHDLogRendering()
    for event in streamed {
        rendering.check(event)
    }
    return 0
}

/// Checks of the two renderings of an event, with one JSON and one text buffer reused from event to event.
struct SSHDLogRendering: ~Copyable {
    /// The JSON line of the event being checked.
    private var json = ByteWriter(capacity: 512)
    /// The text line of the event being checked.
    private var text = ByteWriter(capacity: 512)

    /// Renders `event` both ways and checks each line.
    mutating func check(_ event: SSHDLogEvent) {
        self.json.removeAll()
        event.appendJSONLine(to: &self.json)
        let line = self.json.bytes
        FuzzCheck.require(line.last == UInt8(ascii: "\n"), "JSON line does not end in a newline")
        FuzzCheck.require(line.dropLast().allSatisfy { $0 >= 0x20 }, "JSON line holds a raw control character")
        // The project's own strict JSON reader must accept the line and find the event's kind in it. The final
        // newline is JSON whitespace after the document, and the check above allows no other, so the line is
        // read as it is rather than copied without it.
        let read = JSONReader.read(line)
        FuzzCheck.require(read.diagnostics.isEmpty, "JSON line is not valid JSON: \(read.diagnostics)")
        FuzzCheck.require(
            read.value?["kind"]?.stringValue == event.kind.rawValue,
            "JSON line does not carry the kind \(event.kind.rawValue)"
        )
        self.text.removeAll()
        event.appendTextLine(to: &self.text)
        self.text.withUnsafeBytes { text in
            FuzzCheck.require(text.last == UInt8(ascii: "\n"), "text line does not end in a newline")
            FuzzCheck.require(
                text.dropLast().allSatisfy { $0 >= 0x20 && $0 != 0x7F },
                "text line holds a raw control character"
            )
        }
    }
}
