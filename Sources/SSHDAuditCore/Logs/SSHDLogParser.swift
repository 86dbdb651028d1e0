/// Turns log lines into ``SSHDLogEvent``s: ``SyslogLineParser`` for the framing, a check that the program is
/// one of sshd's, then ``SSHDMessageClassifier`` for the message.
public struct SSHDLogParser: Sendable {
    /// How each input line is framed.
    public enum Framing: String, Sendable, Hashable, CaseIterable {
        /// A syslog line in any of the formats ``SyslogLineParser`` reads (auth.log, rsyslog, RFC 5424,
        /// `journalctl` short and short-iso output).
        case syslog
        /// Bare message text, one per line, as in journal `MESSAGE` fields (`journalctl -o cat -t sshd`): every
        /// line is taken to come from sshd.
        case message
    }

    /// What one line turned out to be.
    public enum LineResult: Sendable, Hashable {
        /// A line from an sshd program, classified (possibly as ``SSHDLogEventKind/other``).
        indirect case event(SSHDLogEvent)
        /// A well-formed syslog line from some other program (CRON, sudo, systemd-logind, ...).
        case otherProgram
        /// A line with none of the syslog framings (a diagnostic for text input).
        case unframed
    }

    /// What a line was, for ``parse(line:into:)``, which leaves the event in the caller's variable.
    public enum LineKind: Sendable, Hashable {
        /// A line from an sshd program; the event is in the variable passed in.
        case sshd
        /// A well-formed syslog line from some other program.
        case otherProgram
        /// A line with none of the syslog framings.
        case unframed
    }

    /// How classic syslog stamps, which carry no year, get one.
    public enum ClassicYear: Sendable, Hashable {
        /// Leave the year out (``LogTimestamp/year`` is `nil`).
        case omitted
        /// Give every classic stamp this year.
        case fixed(Int)
        /// The latest year that does not put the stamp after `month` of `year`, for a log read soon after it
        /// was written: read in January, a December line belongs to the year before.
        case latestNotAfter(year: Int, month: Int)
    }

    /// The input's framing.
    public var framing: Framing
    /// How classic stamps get their year.
    public var classicYear: ClassicYear

    public init(framing: Framing = .syslog, classicYear: ClassicYear) {
        self.framing = framing
        self.classicYear = classicYear
    }

    /// A parser giving classic stamps the year `year` (none when `nil`).
    public init(framing: Framing = .syslog, year: Int? = nil) {
        self.init(framing: framing, classicYear: year.map { .fixed($0) } ?? .omitted)
    }

    /// Parses one line (without its newline).
    public func parse(line: UnsafeBufferPointer<UInt8>) -> LineResult {
        var event = SSHDLogEvent(kind: .other)
        switch self.parse(line: line, into: &event) {
        case .sshd: return .event(event)
        case .otherProgram: return .otherProgram
        case .unframed: return .unframed
        }
    }

    /// Parses one line (without its newline) into `event`, which is overwritten for an sshd line and left alone
    /// otherwise.
    ///
    /// The streaming form for consumers that keep events: reusing one variable avoids moving each event into a
    /// new ``LineResult`` box per line. Consumers that only count or print should use
    /// the overload taking an ``SSHDLogEventRanges``, which creates no strings.
    public func parse(line: UnsafeBufferPointer<UInt8>, into event: inout SSHDLogEvent) -> LineKind {
        var ranges = SSHDLogEventRanges(kind: .other)
        let kind = self.parse(line: line, into: &ranges)
        if kind == .sshd { event = ranges.event(in: line) }
        return kind
    }

    /// Parses one line (without its newline) into `event`, whose text fields become ranges of `line`;
    /// `event` is overwritten for an sshd line and left alone otherwise.
    ///
    /// The fast path: nothing is allocated and no text is decoded, so classifying costs only the byte scans.
    /// Lines longer than 2 GiB (`Int32.max` bytes) are classified by their first 2 GiB.
    public func parse(line fullLine: UnsafeBufferPointer<UInt8>, into event: inout SSHDLogEventRanges) -> LineKind {
        let line =
            fullLine.count <= Int(Int32.max) ? fullLine : UnsafeBufferPointer(rebasing: fullLine[0..<Int(Int32.max)])
        switch self.framing {
        case .message:
            event = SSHDLogEventRanges(kind: .other)
            SSHDMessageClassifier.classify(line, from: 0, end: line.count, into: &event)
            return .sshd
        case .syslog:
            guard let parts = SyslogLineParser.parse(line, year: self.classicYear.year) else { return .unframed }
            guard let program = Self.program(line, parts.program) else { return .otherProgram }
            event = SSHDLogEventRanges(kind: .other)
            SSHDMessageClassifier.classify(line, from: parts.message.lowerBound, end: line.count, into: &event)
            event.timestamp = parts.timestamp
            // Only classic stamps lack an offset; RFC 3339 and RFC 5424 stamps carry their own year.
            if case .latestNotAfter(let year, let month) = self.classicYear, let stamp = parts.timestamp,
                stamp.utcOffsetMinutes == nil, stamp.month > month
            {
                event.timestamp?.year = year - 1
            }
            event.program = program
            event.storedPID = parts.pid ?? .min
            if !parts.host.isEmpty {
                event.storedHost = ByteRange(parts.host.lowerBound, parts.host.upperBound)
            }
            return .sshd
        }
    }

    /// Parses every line of `text`: the events from sshd programs in order, and a diagnostic for each line
    /// that is not a syslog line at all. Lines from other programs are skipped silently.
    public func parse(_ text: String, file: String? = nil) -> Parsed<[SSHDLogEvent]> {
        var events: [SSHDLogEvent] = []
        var diagnostics: [ParseDiagnostic] = []
        var splitter = LineSplitter()
        var lineNumber = 0
        func handle(_ line: UnsafeBufferPointer<UInt8>) {
            lineNumber += 1
            switch self.parse(line: line) {
            case .event(let event):
                events.append(event)
            case .otherProgram:
                break
            case .unframed:
                if let diagnostic = Self.diagnostic(forUnframedLine: line, number: lineNumber, file: file) {
                    diagnostics.append(diagnostic)
                }
            }
        }
        var copy = text
        copy.withUTF8 { bytes in
            splitter.split(bytes, handle)
            splitter.finish(handle)
        }
        return Parsed(value: events, diagnostics: diagnostics)
    }

    /// The diagnostic for a line ``parse(line:)`` found `.unframed`, or `nil` for a blank line (which says
    /// nothing wrong about the file).
    public static func diagnostic(
        forUnframedLine line: UnsafeBufferPointer<UInt8>,
        number: Int,
        file: String?
    ) -> ParseDiagnostic? {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
            return nil
        }
        return ParseDiagnostic(
            file: file,
            line: number,
            severity: .warning,
            message: "not a syslog line (no recognised time stamp, host and program)"
        )
    }

    /// Which sshd program `range` names, by length then bytes; `nil` for every other program.
    @inline(__always)
    static func program(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> SSHDProgram? {
        let start = range.lowerBound
        let end = range.upperBound
        switch range.count {
        case 4: return line.matches("sshd", at: start, end: end) ? .sshd : nil
        case 9: return line.matches("sshd-auth", at: start, end: end) ? .sshdAuth : nil
        case 12: return line.matches("sshd-session", at: start, end: end) ? .sshdSession : nil
        default: return nil
        }
    }
}

extension SSHDLogParser.ClassicYear {
    /// The year handed to ``SyslogLineParser`` before any adjustment.
    fileprivate var year: Int? {
        switch self {
        case .omitted: nil
        case .fixed(let year): year
        case .latestNotAfter(let year, _): year
        }
    }
}
