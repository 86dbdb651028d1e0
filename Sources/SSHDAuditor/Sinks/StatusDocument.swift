import SSHDAuditCore

/// The daemon's last cycle, as written to `status.json` in its runtime directory and read back by
/// `sshd-auditor status`. The file is the contract between the two: fields are only ever added.
///
/// The JSON is written with Core's ``PrettyJSONWriter`` and read with its ``JSONReader`` rather than
/// Foundation's `Codable` coders, so the daemon does not carry FoundationEssentials (megabytes of code, much of
/// it paged in by one `JSONEncoder.encode`); the text is the same as `JSONEncoder` with
/// `[.prettyPrinted, .sortedKeys]` wrote.
public struct StatusDocument: Sendable, Hashable {
    /// One check's result.
    public struct Check: Sendable, Hashable {
        /// The check's id, such as `sshd-down`.
        public var id: String
        /// Its worst severity this cycle.
        public var severity: String
        /// What the check looks at, in a few words.
        public var title: String
        /// Its findings; an `ok` check may carry one saying what is fine.
        public var findings: [Item]
    }

    /// One finding.
    public struct Item: Sendable, Hashable {
        public var severity: String
        public var summary: String
        public var subject: String
        /// The structured journal fields (SSHD_UNIT, SSHD_LISTENING_PORTS, ...).
        public var fields: [String: String]
    }

    /// The format's version; readers reject a newer major version.
    public var version: Int
    /// When the cycle read its sources, in seconds since the Unix epoch.
    public var time: Double
    /// The daemon's pid, so a reader can tell a file left behind by a dead daemon.
    public var pid: Int32
    /// The poll interval in seconds: a file older than a few intervals is stale.
    public var pollIntervalSeconds: Double
    /// The ssh unit watched.
    public var unit: String
    /// Where sshd's log is read from (`journal`, `file /var/log/auth.log`).
    public var logSource: String
    /// The worst severity of any check.
    public var severity: String
    /// Every enabled check, worst first.
    public var checks: [Check]
    /// Sources that could not be read this cycle.
    public var problems: [String]

    /// The document for `report`, a cycle at `time`.
    public init(
        report: HealthReport,
        time: Duration,
        pid: Int32,
        pollInterval: Duration,
        unit: String,
        logSource: String,
        problems: [String]
    ) {
        self.version = 1
        self.time = Self.seconds(time)
        self.pid = pid
        self.pollIntervalSeconds = Self.seconds(pollInterval)
        self.unit = unit
        self.logSource = logSource
        self.severity = report.severity.rawValue
        self.checks = report.results
            .sorted { ($0.severity, $1.check) > ($1.severity, $0.check) }
            .map { result in
                Check(
                    id: result.check.rawValue,
                    severity: result.severity.rawValue,
                    title: result.check.title,
                    findings: result.findings.map {
                        Item(
                            severity: $0.severity.rawValue,
                            summary: $0.summary,
                            subject: $0.subject,
                            fields: $0.fields
                        )
                    }
                )
            }
        self.problems = problems
    }

    /// The JSON text, keys sorted so the file diffs cleanly, ending with a newline.
    ///
    /// - Throws: ``JSONValue/NonFiniteNumber`` when `time` or `pollIntervalSeconds` is NaN or infinite.
    public func encoded() throws -> String {
        var writer = PrettyJSONWriter()
        try self.write(to: &writer)
        return writer.text
    }

    /// Writes the JSON text, ending with a newline, to `output` in pieces of about `chunkBytes` bytes as they
    /// are written: the daemon streams its file (hundreds of kilobytes under a flood of failed logins) through
    /// one small buffer instead of holding the whole text.
    ///
    /// - Throws: ``JSONValue/NonFiniteNumber`` when `time` or `pollIntervalSeconds` is NaN or infinite (before
    ///   anything is handed to `output`), or what `output` throws.
    public func write(
        chunkBytes: Int = 1 << 16,
        to output: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var writer = PrettyJSONWriter(capacity: chunkBytes + chunkBytes / 4)
        try self.write(to: &writer) { writer in
            if writer.bufferedCount >= chunkBytes { try writer.drain(output) }
        }
        try writer.drain(output)
    }

    /// Writes the document to `writer`, keys in the order `JSONEncoder` sorted them into; `flush` is called
    /// after each finding. The numbers are checked first, so a refused document has written nothing.
    private func write(
        to writer: inout PrettyJSONWriter,
        flush: (inout PrettyJSONWriter) throws -> Void = { _ in }
    ) throws {
        for number in [self.pollIntervalSeconds, self.time] where !number.isFinite {
            throw JSONValue.NonFiniteNumber(value: number)
        }
        writer.beginObject()
        writer.key("checks")
        writer.beginArray()
        for check in self.checks {
            writer.beginObject()
            writer.key("findings")
            writer.beginArray()
            for item in check.findings {
                writer.beginObject()
                writer.key("fields")
                writer.writeStringObject(item.fields)
                writer.key("severity")
                writer.string(item.severity)
                writer.key("subject")
                writer.string(item.subject)
                writer.key("summary")
                writer.string(item.summary)
                writer.endObject()
                try flush(&writer)
            }
            writer.endArray()
            writer.key("id")
            writer.string(check.id)
            writer.key("severity")
            writer.string(check.severity)
            writer.key("title")
            writer.string(check.title)
            writer.endObject()
        }
        writer.endArray()
        writer.key("logSource")
        writer.string(self.logSource)
        writer.key("pid")
        writer.integer(Int64(self.pid))
        writer.key("pollIntervalSeconds")
        try writer.double(self.pollIntervalSeconds)
        writer.key("problems")
        writer.beginArray()
        for problem in self.problems { writer.string(problem) }
        writer.endArray()
        writer.key("severity")
        writer.string(self.severity)
        writer.key("time")
        try writer.double(self.time)
        writer.key("unit")
        writer.string(self.unit)
        writer.key("version")
        writer.integer(Int64(self.version))
        writer.endObject()
        writer.newline()
    }

    /// Decodes a status file.
    ///
    /// Like `JSONDecoder` did: every field must be there with its type (a number without a fraction is fine
    /// for a `Double`), and keys this version does not know are ignored, so a newer daemon's file still reads.
    ///
    /// - Throws: ``DecodingError`` naming the first problem.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> StatusDocument {
        let parsed = JSONReader.read(bytes)
        guard let root = parsed.value else {
            throw DecodingError(message: parsed.diagnostics.first?.message ?? "not JSON")
        }
        let fields = try Fields(root, "")
        var checks: [Check] = []
        for (index, value) in try fields.array("checks").enumerated() {
            let check = try Fields(value, "checks[\(index)]")
            var findings: [Item] = []
            for (offset, value) in try check.array("findings").enumerated() {
                let item = try Fields(value, "\(check.path).findings[\(offset)]")
                findings.append(
                    Item(
                        severity: try item.string("severity"),
                        summary: try item.string("summary"),
                        subject: try item.string("subject"),
                        fields: try item.stringDictionary("fields")
                    )
                )
            }
            checks.append(
                Check(
                    id: try check.string("id"),
                    severity: try check.string("severity"),
                    title: try check.string("title"),
                    findings: findings
                )
            )
        }
        var problems: [String] = []
        for (index, value) in try fields.array("problems").enumerated() {
            guard let problem = value.stringValue else {
                throw DecodingError(message: "problems[\(index)] is not a string")
            }
            problems.append(problem)
        }
        return StatusDocument(
            version: try fields.int("version"),
            time: try fields.double("time"),
            pid: try fields.int32("pid"),
            pollIntervalSeconds: try fields.double("pollIntervalSeconds"),
            unit: try fields.string("unit"),
            logSource: try fields.string("logSource"),
            severity: try fields.string("severity"),
            checks: checks,
            problems: problems
        )
    }

    /// Why a status file could not be decoded.
    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What was wrong, naming the field.
        public var message: String

        public var description: String { "invalid status document: \(self.message)" }
    }

    /// The worst severity, as a value.
    public var overallSeverity: Severity { Severity(rawValue: self.severity) ?? .unknown }

    /// Every stored property, for ``decode(_:)``.
    private init(
        version: Int,
        time: Double,
        pid: Int32,
        pollIntervalSeconds: Double,
        unit: String,
        logSource: String,
        severity: String,
        checks: [Check],
        problems: [String]
    ) {
        self.version = version
        self.time = time
        self.pid = pid
        self.pollIntervalSeconds = pollIntervalSeconds
        self.unit = unit
        self.logSource = logSource
        self.severity = severity
        self.checks = checks
        self.problems = problems
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// One JSON object's members, read by name for ``StatusDocument/decode(_:)``, with errors naming the path.
private struct Fields {
    let members: [JSONMember]
    /// Where the object is in the document, for messages; empty for the document itself.
    let path: String

    init(_ value: JSONValue, _ path: String) throws(StatusDocument.DecodingError) {
        guard let members = value.objectValue else {
            throw StatusDocument.DecodingError(message: "\(path.isEmpty ? "the document" : path) is not an object")
        }
        self.members = members
        self.path = path
    }

    func value(_ key: String) throws(StatusDocument.DecodingError) -> JSONValue {
        guard let member = self.members.first(where: { $0.key == key }) else {
            throw StatusDocument.DecodingError(
                message: "\(self.path.isEmpty ? "the document" : self.path) has no '\(key)'"
            )
        }
        return member.value
    }

    func mismatch(_ key: String, _ expected: String) -> StatusDocument.DecodingError {
        StatusDocument.DecodingError(message: "\(self.path.isEmpty ? key : self.path + "." + key) is not \(expected)")
    }

    func string(_ key: String) throws(StatusDocument.DecodingError) -> String {
        guard let text = try self.value(key).stringValue else { throw self.mismatch(key, "a string") }
        return text
    }

    func int(_ key: String) throws(StatusDocument.DecodingError) -> Int {
        guard let number = try self.value(key).integerValue, let value = Int(exactly: number) else {
            throw self.mismatch(key, "an integer")
        }
        return value
    }

    func int32(_ key: String) throws(StatusDocument.DecodingError) -> Int32 {
        guard let number = try self.value(key).integerValue, let value = Int32(exactly: number) else {
            throw self.mismatch(key, "a 32-bit integer")
        }
        return value
    }

    func double(_ key: String) throws(StatusDocument.DecodingError) -> Double {
        switch try self.value(key) {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        default: throw self.mismatch(key, "a number")
        }
    }

    func array(_ key: String) throws(StatusDocument.DecodingError) -> [JSONValue] {
        guard let elements = try self.value(key).arrayValue else { throw self.mismatch(key, "an array") }
        return elements
    }

    func stringDictionary(_ key: String) throws(StatusDocument.DecodingError) -> [String: String] {
        guard let members = try self.value(key).objectValue else { throw self.mismatch(key, "an object") }
        var dictionary: [String: String] = [:]
        for member in members {
            guard let text = member.value.stringValue else {
                throw self.mismatch("\(key).\(member.key)", "a string")
            }
            dictionary[member.key] = text
        }
        return dictionary
    }
}
