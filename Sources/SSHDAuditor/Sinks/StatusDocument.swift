import SSHDAuditCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The daemon's last cycle, as written to `status.json` in its runtime directory and read back by
/// `sshd-auditor status`. The file is the contract between the two: fields are only ever added.
public struct StatusDocument: Codable, Sendable, Hashable {
    /// One check's result.
    public struct Check: Codable, Sendable, Hashable {
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
    public struct Item: Codable, Sendable, Hashable {
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

    /// The JSON text, keys sorted so the file diffs cleanly.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Decodes a status file.
    public static func decode(_ bytes: [UInt8]) throws -> StatusDocument {
        try JSONDecoder().decode(StatusDocument.self, from: Data(bytes))
    }

    /// The worst severity, as a value.
    public var overallSeverity: Severity { Severity(rawValue: self.severity) ?? .unknown }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
