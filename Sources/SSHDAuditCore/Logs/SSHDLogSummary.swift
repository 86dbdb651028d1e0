/// Line and event counts for a run over one or more logs: what the `events` command reports at the end.
public struct SSHDLogSummary: Sendable, Hashable {
    /// Every line read.
    public private(set) var lines = 0
    /// Lines from sshd programs (each became an event).
    public private(set) var sshdLines = 0
    /// Well-formed syslog lines from other programs.
    public private(set) var otherProgramLines = 0
    /// Lines with no syslog framing.
    public private(set) var unframedLines = 0
    /// Events per kind, indexed like `SSHDLogEventKind.allCases`.
    private var counts = [Int](repeating: 0, count: SSHDLogEventKind.allCases.count)

    public init() {}

    /// Counts one parsed line.
    public mutating func record(_ result: SSHDLogParser.LineResult) {
        switch result {
        case .event(let event): self.recordEvent(event.kind)
        case .otherProgram: self.recordOtherProgram()
        case .unframed: self.recordUnframed()
        }
    }

    /// Counts a line from sshd that gave an event of `kind`.
    @inline(__always)
    public mutating func recordEvent(_ kind: SSHDLogEventKind) {
        self.lines += 1
        self.sshdLines += 1
        self.counts[kind.index] += 1
    }

    /// Counts a syslog line from another program.
    @inline(__always)
    public mutating func recordOtherProgram() {
        self.lines += 1
        self.otherProgramLines += 1
    }

    /// Counts a line that is not syslog.
    @inline(__always)
    public mutating func recordUnframed() {
        self.lines += 1
        self.unframedLines += 1
    }

    /// How many events of `kind` were seen.
    public subscript(kind: SSHDLogEventKind) -> Int {
        self.counts[kind.index]
    }

    /// One JSON object and a newline:
    /// `{"lines":N,"sshd_lines":N,"other_program_lines":N,"unframed_lines":N,"kinds":{"accepted":N,...}}`, listing
    /// every kind (zeros included) so consumers need no defaults.
    public func appendJSONLine(to out: inout ByteWriter) {
        out.append(#"{"lines":"#)
        out.appendDecimal(self.lines)
        out.append(#","sshd_lines":"#)
        out.appendDecimal(self.sshdLines)
        out.append(#","other_program_lines":"#)
        out.appendDecimal(self.otherProgramLines)
        out.append(#","unframed_lines":"#)
        out.appendDecimal(self.unframedLines)
        out.append(#","kinds":{"#)
        for (offset, kind) in SSHDLogEventKind.allCases.enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            out.appendJSONString(kind.rawValue)
            out.append(UInt8(ascii: ":"))
            out.appendDecimal(self.counts[offset])
        }
        out.append("}}\n")
    }

    /// A header line with the line counts, then `KIND COUNT` for each kind seen, in declaration order.
    public func appendText(to out: inout ByteWriter) {
        out.append("lines ")
        out.appendDecimal(self.lines)
        out.append(", sshd ")
        out.appendDecimal(self.sshdLines)
        out.append(", other programs ")
        out.appendDecimal(self.otherProgramLines)
        out.append(", not syslog ")
        out.appendDecimal(self.unframedLines)
        out.append(UInt8(ascii: "\n"))
        for (offset, kind) in SSHDLogEventKind.allCases.enumerated() where self.counts[offset] > 0 {
            out.append(kind.rawValue)
            out.append(UInt8(ascii: " "))
            out.appendDecimal(self.counts[offset])
            out.append(UInt8(ascii: "\n"))
        }
    }
}

extension SSHDLogEventKind {
    /// The position in `allCases`, for counting in an array instead of a dictionary.
    @inline(__always)
    var index: Int {
        switch self {
        case .accepted: 0
        case .failedPassword: 1
        case .failedPublickey: 2
        case .failedOther: 3
        case .invalidUser: 4
        case .maxAuthTriesExceeded: 5
        case .connectionClosed: 6
        case .connectionReset: 7
        case .disconnected: 8
        case .receivedDisconnect: 9
        case .timeoutBeforeAuthentication: 10
        case .maxStartupsBegin: 11
        case .maxStartupsThrottling: 12
        case .maxStartupsExited: 13
        case .dropConnection: 14
        case .dropRateLimited: 15
        case .badModesFile: 16
        case .badModesDirectory: 17
        case .bindFailed: 18
        case .serverListening: 19
        case .terminating: 20
        case .missingPrivilegeSeparationDirectory: 21
        case .noHostKeys: 22
        case .other: 23
        }
    }
}
