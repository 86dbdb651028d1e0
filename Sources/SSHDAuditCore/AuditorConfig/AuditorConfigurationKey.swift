/// One setting of `sshd-auditor.conf`: where it lives, what it means, how its value is read and written.
///
/// The table ``all`` is the single source of truth for the file format: the parser looks keys up in it, and
/// a test holds the shipped `config/sshd-auditor.conf` to it (every key present, with this default).
public struct AuditorConfigurationKey: Sendable {
    /// The `[Section]`.
    public var section: String
    /// The key, e.g. `PollInterval`.
    public var name: String
    /// One line saying what it does.
    public var summary: String
    /// The value as the file writes it, e.g. `5s` (so ``render``(`.default`) is the documented default).
    public var render: @Sendable (AuditorConfiguration) -> String
    /// Applies a value; returns why it is bad, or `nil`. An empty value resets the setting to its default.
    public var apply: @Sendable (inout AuditorConfiguration, String) -> String?

    public init(
        section: String,
        name: String,
        summary: String,
        render: @escaping @Sendable (AuditorConfiguration) -> String,
        apply: @escaping @Sendable (inout AuditorConfiguration, String) -> String?
    ) {
        self.section = section
        self.name = name
        self.summary = summary
        self.render = render
        self.apply = apply
    }

    /// The sections, in file order.
    public static let sections = ["SSH", "Sources", "Daemon", "Alerts", "Checks"]

    /// Every key, in file order.
    public static let all: [AuditorConfigurationKey] = [
        AuditorConfigurationKey(
            section: "SSH",
            name: "Units",
            summary: "ssh service units to watch, first one found wins; auto = ssh.service sshd.service",
            render: { $0.sshUnits?.joined(separator: " ") ?? "auto" },
            apply: { configuration, value in
                let words = Self.words(value)
                if words.isEmpty || words == ["auto"] {
                    configuration.sshUnits = nil
                    return nil
                }
                for word in words where !word.hasSuffix(".service") || word.contains("/") {
                    return "not a service unit name: \(word)"
                }
                configuration.sshUnits = (configuration.sshUnits ?? []) + words
                return nil
            }
        ),
        .path(section: "SSH", name: "SSHDBinary", summary: "the sshd binary, run as `sshd -t`", \.sshdBinary),
        .path(section: "SSH", name: "SSHDConfig", summary: "the sshd configuration file", \.sshdConfigPath),
        AuditorConfigurationKey(
            section: "SSH",
            name: "ExpectedPorts",
            summary: "ports sshd must listen on, space separated; empty = the ports sshd_config names",
            render: { $0.expectedPorts.map(String.init).joined(separator: " ") },
            apply: { configuration, value in
                let words = Self.words(value)
                if words.isEmpty {
                    configuration.expectedPorts = []
                    return nil
                }
                var ports: [UInt16] = []
                for word in words {
                    guard let port = UInt16(word), port > 0 else { return "not a port number: \(word)" }
                    ports.append(port)
                }
                configuration.expectedPorts += ports
                return nil
            }
        ),
        .path(section: "Sources", name: "ProcRoot", summary: "where procfs is mounted", \.procRoot),
        AuditorConfigurationKey(
            section: "Sources",
            name: "LogSource",
            summary: "where sshd logs: auto (journal, else the file), journal or file",
            render: { $0.logSource.rawValue },
            apply: { configuration, value in
                if value.isEmpty {
                    configuration.logSource = AuditorConfiguration.default.logSource
                    return nil
                }
                guard let source = LogSource(rawValue: value) else { return "expected auto, journal or file" }
                configuration.logSource = source
                return nil
            }
        ),
        .path(section: "Sources", name: "AuthLog", summary: "the syslog file sshd writes to", \.authLogPath),
        .timeSpan(
            section: "Daemon",
            name: "PollInterval",
            summary: "how often to check when no signal wakes the daemon earlier",
            \.pollInterval
        ),
        .path(
            section: "Daemon",
            name: "RuntimeDirectory",
            summary: "where the status file for `sshd-auditor status` is written",
            \.runtimeDirectory
        ),
        .path(
            section: "Daemon",
            name: "StateDirectory",
            summary: "where the alert state survives restarts",
            \.stateDirectory
        ),
        AuditorConfigurationKey(
            section: "Daemon",
            name: "PrometheusTextfile",
            summary: "write metrics for node_exporter's textfile collector here; empty = off",
            render: { $0.prometheusTextfile ?? "" },
            apply: { configuration, value in
                if value.isEmpty {
                    configuration.prometheusTextfile = nil
                    return nil
                }
                guard value.hasPrefix("/") else { return "not an absolute path" }
                configuration.prometheusTextfile = value
                return nil
            }
        ),
        .timeSpan(
            section: "Alerts",
            name: "ReraiseInterval",
            summary: "an alert that resolved is not raised again sooner than this (flapping)",
            \.reraiseInterval
        ),
        AuditorConfigurationKey(
            section: "Alerts",
            name: "AlertOnUnknown",
            summary: "raise an alert when a check cannot read its source",
            render: { SystemdBoolean.format($0.alertOnUnknown) },
            apply: { configuration, value in
                if value.isEmpty {
                    configuration.alertOnUnknown = AuditorConfiguration.default.alertOnUnknown
                    return nil
                }
                guard let flag = SystemdBoolean.parse(value) else { return "expected a boolean (yes or no)" }
                configuration.alertOnUnknown = flag
                return nil
            }
        ),
        AuditorConfigurationKey(
            section: "Checks",
            name: "Disable",
            summary: "check ids that do not run, space separated (see `sshd-auditor status`)",
            render: { $0.disabledChecks.sorted().map(\.rawValue).joined(separator: " ") },
            apply: { configuration, value in
                let words = Self.words(value)
                if words.isEmpty {
                    configuration.disabledChecks = []
                    return nil
                }
                var checks: [CheckID] = []
                for word in words {
                    guard let check = CheckID(rawValue: word) else { return "unknown check id: \(word)" }
                    checks.append(check)
                }
                configuration.disabledChecks.formUnion(checks)
                return nil
            }
        ),
        .positiveInteger(
            section: "Checks",
            name: "AuthFailureBurstThreshold",
            summary: "authentication failures from one address within the window that make a burst",
            \.authFailureBurstThreshold
        ),
        .timeSpan(
            section: "Checks",
            name: "AuthFailureBurstWindow",
            summary: "the window authentication failures are counted in",
            \.authFailureBurstWindow
        ),
        .positiveInteger(
            section: "Checks",
            name: "RestartLoopThreshold",
            summary: "automatic restarts by systemd (NRestarts) that count as a restart loop",
            \.restartLoopThreshold
        ),
        .timeSpan(
            section: "Checks",
            name: "LogWindow",
            summary: "how far back log-based checks look (drop lines, StrictModes refusals, bind failures)",
            \.logWindow
        ),
    ]

    // MARK: - Value kinds

    /// An absolute path.
    static func path(
        section: String,
        name: String,
        summary: String,
        _ keyPath: any WritableKeyPath<AuditorConfiguration, String> & Sendable
    ) -> Self {
        Self(
            section: section,
            name: name,
            summary: summary,
            render: { $0[keyPath: keyPath] },
            apply: { configuration, value in
                if value.isEmpty {
                    configuration[keyPath: keyPath] = AuditorConfiguration.default[keyPath: keyPath]
                    return nil
                }
                guard value.hasPrefix("/") else { return "not an absolute path" }
                configuration[keyPath: keyPath] = value
                return nil
            }
        )
    }

    /// A positive time span (systemd.time(7)).
    static func timeSpan(
        section: String,
        name: String,
        summary: String,
        _ keyPath: any WritableKeyPath<AuditorConfiguration, Duration> & Sendable
    ) -> Self {
        Self(
            section: section,
            name: name,
            summary: summary,
            render: { SystemdTimeSpan.format($0[keyPath: keyPath]) },
            apply: { configuration, value in
                if value.isEmpty {
                    configuration[keyPath: keyPath] = AuditorConfiguration.default[keyPath: keyPath]
                    return nil
                }
                guard let span = SystemdTimeSpan.parse(value) else {
                    return "not a time span (examples: 5s, 500ms, 1min, 1h 30min)"
                }
                guard span > .zero else { return "must be longer than zero" }
                configuration[keyPath: keyPath] = span
                return nil
            }
        )
    }

    /// A positive integer.
    static func positiveInteger(
        section: String,
        name: String,
        summary: String,
        _ keyPath: any WritableKeyPath<AuditorConfiguration, Int> & Sendable
    ) -> Self {
        Self(
            section: section,
            name: name,
            summary: summary,
            render: { String($0[keyPath: keyPath]) },
            apply: { configuration, value in
                if value.isEmpty {
                    configuration[keyPath: keyPath] = AuditorConfiguration.default[keyPath: keyPath]
                    return nil
                }
                guard let number = Int(value), number > 0 else { return "not a positive integer" }
                configuration[keyPath: keyPath] = number
                return nil
            }
        )
    }

    /// The whitespace-separated words of a list value.
    static func words(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }
}
