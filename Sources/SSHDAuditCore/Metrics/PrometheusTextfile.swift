/// Renders a cycle's result in the Prometheus text exposition format, for node_exporter's textfile
/// collector (the daemon writes it atomically to `PrometheusTextfile=`).
///
/// Metrics: `sshd_auditor_check_status{check}` (0 ok, 1 warning, 2 critical, 3 unknown: the
/// monitoring-plugins codes), `sshd_auditor_startups`, `sshd_auditor_maxstartups_start` and `_full` (when the
/// listener's gauge was read), `sshd_auditor_listening_port{address,port}` (1 per endpoint sshd listens on),
/// and `sshd_auditor_last_cycle_timestamp_seconds` so a stale file can be alerted on.
public enum PrometheusTextfile {
    /// The exposition text for `report`, computed from `snapshot`; ends with a newline.
    public static func render(report: HealthReport, snapshot: AuditSnapshot) -> String {
        var out = ""
        func header(_ name: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        }

        header("sshd_auditor_check_status", "Check state: 0 ok, 1 warning, 2 critical, 3 unknown.")
        for result in report.results {
            out +=
                "sshd_auditor_check_status{check=\"\(Self.escaped(result.check.rawValue))\"} \(result.severity.exitCode)\n"
        }

        if let gauge = snapshot.startups {
            header("sshd_auditor_startups", "Unauthenticated connections now, from the sshd listener's title.")
            out += "sshd_auditor_startups \(gauge.active)\n"
            header("sshd_auditor_maxstartups_start", "MaxStartups start value in force in the running sshd.")
            out += "sshd_auditor_maxstartups_start \(gauge.start)\n"
            header("sshd_auditor_maxstartups_full", "MaxStartups full value in force in the running sshd.")
            out += "sshd_auditor_maxstartups_full \(gauge.full)\n"
        }

        // Without holder information, the sockets on sshd's configured ports stand for sshd's (as for the checks).
        if let listeners = ListenerComparison(snapshot)?.listening {
            header("sshd_auditor_listening_port", "1 for each address and port sshd (or its socket unit) listens on.")
            for endpoint in Set(listeners).sorted() {
                out +=
                    "sshd_auditor_listening_port{address=\"\(Self.escaped("\(endpoint.address)"))\",port=\"\(endpoint.port)\"} 1\n"
            }
        }

        header("sshd_auditor_last_cycle_timestamp_seconds", "When the last audit cycle read its sources (Unix time).")
        let (seconds, attoseconds) = snapshot.time.components
        let millis = attoseconds / 1_000_000_000_000_000
        out += "sshd_auditor_last_cycle_timestamp_seconds \(seconds).\(Self.threeDigits(millis))\n"
        return out
    }

    /// A label value with `\`, `"` and newlines escaped as the exposition format requires.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    private static func threeDigits(_ value: Int64) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }
}
