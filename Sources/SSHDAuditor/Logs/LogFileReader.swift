import SSHDAuditCore
import SystemPackage

/// Reads a log file as raw bytes in large chunks and hands out its lines, for ``SSHDLogParser``.
///
/// The I/O half of the log source (the parsing half is pure, in `SSHDAuditCore`): one `read(2)` per chunk into
/// one reused buffer, lines passed on without copying unless they straddle two chunks.
public struct LogFileReader: Sendable {
    /// Bytes per `read(2)`.
    public let chunkSize: Int
    /// The longest line handed out; longer ones are cut to it (see ``LineSplitter``). With the chunk it bounds
    /// the reader's memory, whatever the file holds.
    public let maximumLineLength: Int

    /// - Parameters:
    ///   - chunkSize: bytes per `read(2)` (at least 1); 1 MiB amortises the system call and stays in the L2
    ///     cache.
    ///   - maximumLineLength: the longest line handed out (at least 1).
    public init(chunkSize: Int = 1 << 20, maximumLineLength: Int = LineSplitter.defaultMaximumLineLength) {
        self.chunkSize = max(chunkSize, 1)
        self.maximumLineLength = max(maximumLineLength, 1)
    }

    /// Calls `body` with each line of the file at `path` (`-` reads standard input) and returns how many lines
    /// there were. The final line need not end in a newline.
    @discardableResult
    public func forEachLine(
        inFile path: String,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        var truncated = 0
        return try self.forEachLine(inFile: path, truncatedLines: &truncated, body)
    }

    /// Like ``forEachLine(inFile:_:)``, and adds to `truncatedLines` the lines cut to ``maximumLineLength``.
    @discardableResult
    public func forEachLine(
        inFile path: String,
        truncatedLines: inout Int,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        if path == "-" {
            return try self.forEachLine(in: .standardInput, truncatedLines: &truncatedLines, body)
        }
        let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        return try descriptor.closeAfter {
            try self.forEachLine(in: descriptor, truncatedLines: &truncatedLines, body)
        }
    }

    /// Calls `body` with each line read from `descriptor` until end of file (the caller keeps ownership), adds to
    /// `truncatedLines` the lines cut to ``maximumLineLength``, and returns how many lines there were.
    @discardableResult
    public func forEachLine(
        in descriptor: FileDescriptor,
        truncatedLines: inout Int,
        _ body: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: self.chunkSize)
        defer { buffer.deallocate() }
        var splitter = LineSplitter(maximumLineLength: self.maximumLineLength)
        // Counted even when reading fails part way: the lines already handed out were cut.
        defer { truncatedLines += splitter.truncatedLineCount }
        while true {
            let count = try descriptor.read(into: UnsafeMutableRawBufferPointer(buffer), retryOnInterrupt: true)
            if count == 0 { break }
            try splitter.split(UnsafeBufferPointer(rebasing: buffer[0..<count]), body)
        }
        try splitter.finish(body)
        return splitter.lineCount
    }

    /// Every sshd event in the file at `path`, with a diagnostic (file and line) for each line that is not a
    /// syslog line. For files that fit in memory; the `events` command streams instead.
    public func events(inFile path: String, parser: SSHDLogParser) throws -> Parsed<[SSHDLogEvent]> {
        var events: [SSHDLogEvent] = []
        var diagnostics: [ParseDiagnostic] = []
        var lineNumber = 0
        try self.forEachLine(inFile: path) { line in
            lineNumber += 1
            switch parser.parse(line: line) {
            case .event(let event):
                events.append(event)
            case .otherProgram:
                break
            case .unframed:
                if let diagnostic = SSHDLogParser.diagnostic(forUnframedLine: line, number: lineNumber, file: path) {
                    diagnostics.append(diagnostic)
                }
            }
        }
        return Parsed(value: events, diagnostics: diagnostics)
    }
}
