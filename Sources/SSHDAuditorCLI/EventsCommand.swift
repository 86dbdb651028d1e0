import ArgumentParser
import SSHDAuditCore
import SSHDAuditor

/// `sshd-auditor events`: classifies sshd's log lines into events, one per output line, then counts them.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Classify sshd log lines into events.",
        discussion: """
            Reads each FILE (`-` for standard input) and prints one event per sshd line on standard output, \
            then a summary on standard error: the line counts and how many events of each kind were seen. \
            Lines from other programs are counted and skipped; unrecognised sshd lines are printed as kind \
            `other`, never dropped.

            Input may be classic syslog (`Nov 21 10:00:00 host sshd[1234]: ...`, as in /var/log/auth.log and \
            `journalctl` output), RFC 3339 stamps (rsyslog, `journalctl -o short-iso`), or RFC 5424. With \
            `--framing message` every line is bare sshd message text, as `journalctl -o cat` prints it.

            Text output: TIME HOST PROGRAM[PID] KIND key=value ..., values with spaces or control characters \
            quoted and escaped. With --json, standard output is JSON Lines (one object per event) and the \
            summary on standard error is one JSON object. The exit status is 1 when a file could not be read \
            (the others are still read), else 0.

            Examples:
              sshd-auditor events /var/log/auth.log
              sshd-auditor events --json /var/log/auth.log > events.jsonl
              sshd-auditor events --year 2025 old-auth.log
              journalctl -u ssh -o short-iso | sshd-auditor events -
              journalctl -u ssh -o cat | sshd-auditor events --framing message -
            """
    )

    @Argument(help: "Log files to read, in order; `-` reads standard input.")
    var files: [String]

    @Flag(help: "Print JSON Lines on standard output and a JSON summary on standard error.")
    var json = false

    @Option(
        help: """
            Year for classic syslog stamps, which have none (default: the current year, or the one before for \
            months still to come this year).
            """
    )
    var year: Int?

    @Option(help: "How lines are framed: syslog (auto-detects the three formats) or message (bare text).")
    var framing: SSHDLogParser.Framing = .syslog

    @Flag(help: "Print only the summary.")
    var summaryOnly = false

    func run() throws {
        let classicYear: SSHDLogParser.ClassicYear
        if let year = self.year {
            classicYear = .fixed(year)
        } else {
            let today = LocalDate.current()
            classicYear = .latestNotAfter(year: today.year, month: today.month)
        }
        let parser = SSHDLogParser(framing: self.framing, classicYear: classicYear)
        let reader = LogFileReader()
        var output = BufferedOutput.standardOutput()
        var errors = BufferedOutput.standardError()
        var summary = SSHDLogSummary()
        var failed = false
        // Read once: ArgumentParser's property wrappers are too slow to consult a million times.
        let json = self.json
        let printEvents = !self.summaryOnly
        // One event variable for the whole run, overwritten in place for every sshd line. Its text fields are
        // ranges of the current line, rendered straight from the line's bytes: no strings are ever made.
        var event = SSHDLogEventRanges(kind: .other)
        for file in self.files {
            var truncated = 0
            do {
                try reader.forEachLine(inFile: file, truncatedLines: &truncated) { line in
                    switch parser.parse(line: line, into: &event) {
                    case .sshd:
                        summary.recordEvent(event.kind)
                        guard printEvents else { return }
                        if json {
                            event.appendJSONLine(line: line, to: &output.buffer)
                        } else {
                            event.appendTextLine(line: line, to: &output.buffer)
                        }
                        try output.flushIfFull()
                    case .otherProgram:
                        summary.recordOtherProgram()
                    case .unframed:
                        summary.recordUnframed()
                    }
                }
            } catch {
                failed = true
                try output.flush()
                errors.buffer.append("sshd-auditor events: \(file): \(error)\n")
                try errors.flush()
            }
            if truncated > 0 {
                // Not a failure: the lines were read, only their tails past the limit were not.
                try output.flush()
                errors.buffer.append(
                    "sshd-auditor events: \(file): \(truncated) line(s) longer than \(reader.maximumLineLength) bytes"
                        + " cut to that length\n"
                )
                try errors.flush()
            }
        }
        try output.flush()
        if self.json {
            summary.appendJSONLine(to: &errors.buffer)
        } else {
            summary.appendText(to: &errors.buffer)
        }
        try errors.flush()
        if failed { throw ExitCode.failure }
    }
}

extension SSHDLogParser.Framing: ExpressibleByArgument {}
