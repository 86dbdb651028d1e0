import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// The Prometheus textfile the daemon writes after a cycle (`PrometheusTextfile=`), read the way
/// node_exporter's textfile collector reads it.
@Suite("sshd-auditor run: the Prometheus textfile")
struct PrometheusTextfileDaemonTests {
    @Test("after a cycle: well-formed gauges named sshd_auditor_*, one check_status series per check")
    func contentAfterCycle() async throws {
        guard TestEnvironment.requireAuditorBinary() else { return }
        let workspace = try AuditorWorkspace(settings: ["[Daemon]", "PollInterval=1h"])
        defer { workspace.remove() }
        let metricsFile = workspace.path("node-exporter/sshd_auditor.prom")
        try workspace.writeDropIn("10-metrics.conf", "[Daemon]\nPrometheusTextfile=\(metricsFile)\n")
        try FileManager.default.createDirectory(
            atPath: workspace.path("node-exporter"),
            withIntermediateDirectories: true
        )
        let daemon = try AuditorDaemon(workspace: workspace)
        defer { daemon.stop() }

        // One cycle only (an hour between polls, nothing in the log): the status file and the textfile
        // describe the same cycle.
        let text = try await Self.waitForFile(metricsFile, daemon)
        let status = try #require(workspace.statusDocument())
        let samples = try Self.validate(text)

        #expect(samples.allSatisfy { $0.name.hasPrefix("sshd_auditor_") })
        let checkSeries = samples.filter { $0.name == "sshd_auditor_check_status" }
        #expect(checkSeries.allSatisfy { Set($0.labels.keys) == ["check"] })
        let ids = checkSeries.compactMap { $0.labels["check"] }
        #expect(ids.count == Set(ids).count, "a check has two series: \(ids)")
        #expect(Set(ids) == Set(status.checks.map(\.id)))
        #expect(Set(ids) == Set(HealthChecks.all.map { type(of: $0).id.rawValue }))
        for check in status.checks {
            let value = checkSeries.first { $0.labels["check"] == check.id }?.value
            let expected = Double(try #require(Severity(rawValue: check.severity)).exitCode)
            #expect(value == expected, "\(check.id) is \(check.severity) in status.json")
        }
        let stamp = try #require(samples.first { $0.name == "sshd_auditor_last_cycle_timestamp_seconds" })
        #expect(stamp.labels.isEmpty)
        #expect(abs(stamp.value - status.time) < 0.002)
    }

    @Test("with a real sshd on loopback: one listening_port series per address it listens on")
    func listeningPorts() async throws {
        guard TestEnvironment.requireAuditorBinary(),
            TestEnvironment.require(TestEnvironment.isRoot, "needs root to start sshd on loopback")
        else { return }
        let sshd = try LoopbackSSHD()
        defer { sshd.stop() }
        let workspace = try AuditorWorkspace(
            enabled: [.portMismatch],
            settings: ["[SSH]", "SSHDConfig=\(sshd.configurationPath)", "", "[Daemon]", "PollInterval=1h"]
        )
        defer { workspace.remove() }
        let metricsFile = workspace.path("sshd_auditor.prom")
        try workspace.writeDropIn("10-metrics.conf", "[Daemon]\nPrometheusTextfile=\(metricsFile)\n")
        let daemon = try AuditorDaemon(workspace: workspace)
        defer { daemon.stop() }

        let samples = try Self.validate(try await Self.waitForFile(metricsFile, daemon))
        let listening = samples.filter { $0.name == "sshd_auditor_listening_port" }
        #expect(listening.allSatisfy { $0.value == 1 && Set($0.labels.keys) == ["address", "port"] })
        let endpoints = Set(
            listening.compactMap { sample in sample.labels["address"].map { "\($0) \(sample.labels["port"] ?? "")" } }
        )
        let expected = Set(["127.0.0.1 \(sshd.port)"] + (sshd.listensOnIPv6 ? ["::1 \(sshd.port)"] : []))
        #expect(endpoints == expected)
        #expect(
            samples.contains {
                $0.name == "sshd_auditor_check_status" && $0.labels["check"] == "port-mismatch" && $0.value == 0
            }
        )
    }

    // MARK: - Helpers

    /// Checks `text` line by line against the exposition format (a HELP and a TYPE gauge line before each
    /// metric's samples, each once; every other line a well-formed sample; a final newline) and returns the
    /// samples.
    static func validate(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [ExpositionSample]
    {
        #expect(text.hasSuffix("\n"), sourceLocation: sourceLocation)
        var helped: Set<String> = []
        var typed: Set<String> = []
        var samples: [ExpositionSample] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let words = line.split(separator: " ", maxSplits: 3)
            if line.hasPrefix("# HELP ") {
                #expect(words.count == 4 && helped.insert(String(words[2])).inserted, "line \(index + 1): \(line)")
            } else if line.hasPrefix("# TYPE ") {
                #expect(words.count == 4 && words[3] == "gauge", "line \(index + 1): \(line)")
                #expect(words.count > 2 && typed.insert(String(words[2])).inserted, "line \(index + 1): \(line)")
            } else {
                let sample = try #require(ExpositionSample(line), "line \(index + 1) is no sample: \(line)")
                #expect(typed.contains(sample.name) && helped.contains(sample.name), "no HELP/TYPE before \(line)")
                samples.append(sample)
            }
        }
        #expect(!samples.isEmpty, sourceLocation: sourceLocation)
        return samples
    }

    /// Waits for the daemon to write `path`; its text.
    static func waitForFile(
        _ path: String,
        _ daemon: AuditorDaemon,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let written = try await eventually(timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: path) || !daemon.isRunning
        }
        let text = written ? try? String(contentsOfFile: path, encoding: .utf8) : nil
        return try #require(text, "no textfile at \(path):\n\(daemon.log)", sourceLocation: sourceLocation)
    }
}
