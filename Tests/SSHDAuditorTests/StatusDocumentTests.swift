import Foundation
import SSHDAuditCore
import SSHDAuditor
import Testing

/// `status.json` without Foundation: the text must stay what `JSONEncoder` wrote (a daemon and a `status` of
/// different versions read each other's files, and people diff them), and decoding must accept it.
@Suite("StatusDocument")
struct StatusDocumentTests {
    /// A document with every kind of field: several checks and findings, escapes, slashes, non-ASCII, no problems
    /// and some problems, a fractional time.
    static func sample(problems: [String] = ["system bus: sd_bus_open_system failed: No such file or directory"])
        -> StatusDocument
    {
        let report = HealthReport(results: [
            CheckResult(
                check: .sshdDown,
                findings: [
                    Finding(
                        check: .sshdDown,
                        severity: .critical,
                        summary: "ssh.service is failed (exit-code) \"quoted\" \\ back",
                        fields: ["SSHD_UNIT": "ssh.service", "SSHD_UNIT_STATE": "failed", "SSHD_MAIN_PID": "0"]
                    )
                ]
            ),
            CheckResult(
                check: .authFailureBurst,
                findings: [
                    Finding(
                        check: .authFailureBurst,
                        severity: .warning,
                        summary: "12 failed logins from 203.0.113.7 in 1min: ünïcödé 😀\ttab\u{01}",
                        subject: "203.0.113.7",
                        fields: ["SSHD_SOURCE_ADDRESS": "203.0.113.7", "SSHD_FAILURES": "12", "A_FIRST": "/etc/ssh"]
                    ),
                    Finding(check: .authFailureBurst, severity: .ok, summary: "", subject: "198.51.100.1"),
                ]
            ),
            CheckResult(check: .portMismatch, findings: []),
        ])
        return StatusDocument(
            report: report,
            time: .milliseconds(1_763_764_455_123),
            pid: 4711,
            pollInterval: .seconds(5),
            unit: "ssh.service",
            logSource: "file /var/log/auth.log",
            problems: problems
        )
    }

    @Test("encoded() is byte for byte what JSONEncoder wrote", arguments: [[], ["one", "two / three"]])
    func matchesJSONEncoder(problems: [String]) throws {
        let document = Self.sample(problems: problems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let expected = String(decoding: try encoder.encode(FoundationStatusDocument(document)), as: UTF8.self) + "\n"
        #expect(try document.encoded() == expected)
    }

    @Test("a document of 2,000 findings, written in 4 KiB chunks, is what JSONEncoder wrote and encoded() returns")
    func streamedInChunks() throws {
        // What a flood of failed logins puts in status.json every cycle: one finding per source address.
        let findings = (0..<2000).map { index in
            let address = index.isMultiple(of: 2) ? "198.51.\(index / 250).\(index % 250)" : "2001:db8::\(index)"
            return Finding(
                check: .authFailureBurst,
                severity: .warning,
                summary: "\(10 + index % 90) authentication failures from \(address) in the last 1min",
                subject: address,
                fields: ["SSHD_SOURCE_ADDRESS": address, "SSHD_FAILURES": "\(10 + index % 90)", "SSHD_WINDOW": "1min"]
            )
        }
        let document = StatusDocument(
            report: HealthReport(results: [CheckResult(check: .authFailureBurst, findings: findings)]),
            time: .milliseconds(1_763_764_455_123),
            pid: 4711,
            pollInterval: .seconds(30),
            unit: "ssh.service",
            logSource: "journal",
            problems: []
        )
        var chunks: [[UInt8]] = []
        try document.write(chunkBytes: 4096) { chunks.append(Array($0)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let expected = Array(try encoder.encode(FoundationStatusDocument(document))) + Array("\n".utf8)
        #expect(chunks.joined().elementsEqual(expected))
        #expect(try document.encoded() == String(decoding: expected, as: UTF8.self))
        // A chunk is handed on once it reaches 4 KiB, so none is much larger than that plus one finding.
        #expect(chunks.count > expected.count / 8192)
        #expect(chunks.allSatisfy { $0.count < 4096 + 1024 }, "\(chunks.map(\.count).max() ?? 0)")
    }

    @Test("a time that JSON cannot spell is refused before anything is written", arguments: [Double.nan, .infinity])
    func nonFiniteWritesNothing(time: Double) {
        var document = Self.sample()
        document.time = time
        var written = 0
        #expect(throws: JSONValue.NonFiniteNumber.self) { try document.write { written += $0.count } }
        #expect(written == 0)
    }

    @Test("decode reads what encoded() and JSONEncoder wrote back into the same document")
    func roundTrip() throws {
        let document = Self.sample()
        #expect(try StatusDocument.decode(Array(document.encoded().utf8)) == document)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let compact = try encoder.encode(FoundationStatusDocument(document))
        #expect(try StatusDocument.decode(Array(compact)) == document)
    }

    @Test("decode ignores keys it does not know, so a newer daemon's file still reads")
    func unknownKeys() throws {
        let text = try Self.sample().encoded().replacingOccurrences(
            of: "\"version\" : 1",
            with: "\"version\" : 1, \"future\" : {\"nested\" : [1, 2.5, null]}"
        )
        #expect(try StatusDocument.decode(Array(text.utf8)) == Self.sample())
    }

    @Test(
        "decode rejects a document with a missing or mistyped field, naming it",
        arguments: [
            ("\"pid\" : 4711", "\"pid\" : \"4711\"", "pid is not a 32-bit integer"),
            ("\"pid\" : 4711", "\"pid\" : 4294967296", "pid is not a 32-bit integer"),
            ("\"unit\" : \"ssh.service\"", "\"unit_\" : \"ssh.service\"", "the document has no 'unit'"),
            ("\"time\" : 1763764455.123", "\"time\" : true", "time is not a number"),
            (
                "\"SSHD_FAILURES\" : \"12\"", "\"SSHD_FAILURES\" : 12",
                "checks[1].findings[0].fields.SSHD_FAILURES is not a string"
            ),
        ]
    )
    func rejects(original: String, replacement: String, message: String) throws {
        let text = try Self.sample().encoded()
        #expect(text.contains(original), "the sample no longer has \(original)")
        let broken = text.replacingOccurrences(of: original, with: replacement)
        let error = try #require(throws: StatusDocument.DecodingError.self) {
            try StatusDocument.decode(Array(broken.utf8))
        }
        #expect(error.message == message)
    }

    @Test("decode rejects text that is not JSON")
    func notJSON() {
        #expect(throws: StatusDocument.DecodingError.self) { try StatusDocument.decode(Array("{\"version\": ".utf8)) }
        #expect(throws: StatusDocument.DecodingError.self) { try StatusDocument.decode([]) }
        #expect(throws: StatusDocument.DecodingError.self) { try StatusDocument.decode(Array("[]".utf8)) }
    }
}

/// The status document as it was declared when `Codable` and `JSONEncoder` wrote it: the reference for the format.
private struct FoundationStatusDocument: Codable {
    struct Check: Codable {
        var id: String
        var severity: String
        var title: String
        var findings: [Item]
    }

    struct Item: Codable {
        var severity: String
        var summary: String
        var subject: String
        var fields: [String: String]
    }

    var version: Int
    var time: Double
    var pid: Int32
    var pollIntervalSeconds: Double
    var unit: String
    var logSource: String
    var severity: String
    var checks: [Check]
    var problems: [String]

    init(_ document: StatusDocument) {
        self.version = document.version
        self.time = document.time
        self.pid = document.pid
        self.pollIntervalSeconds = document.pollIntervalSeconds
        self.unit = document.unit
        self.logSource = document.logSource
        self.severity = document.severity
        self.checks = document.checks.map { check in
            Check(
                id: check.id,
                severity: check.severity,
                title: check.title,
                findings: check.findings.map {
                    Item(severity: $0.severity, summary: $0.summary, subject: $0.subject, fields: $0.fields)
                }
            )
        }
        self.problems = document.problems
    }
}
