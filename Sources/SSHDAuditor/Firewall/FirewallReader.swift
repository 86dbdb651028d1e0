import SSHDAuditCore

/// Reads the host's packet-filter rules with the administrators' own tools (`nft -j list ruleset`,
/// `iptables-save`, `ip6tables-save`) and combines them into one ``FirewallRuleset``.
///
/// A tool that is not installed is normal (most hosts have only one of them) and is reported as such,
/// not as an error. Listing rules needs `CAP_NET_ADMIN`; without it the report says so plainly.
public struct FirewallReader: Sendable {
    /// What happened when one tool was asked.
    public enum SourceStatus: Sendable, Hashable, CustomStringConvertible {
        /// The tool ran and its output was understood.
        case read
        /// The tool is not on this host.
        case notInstalled
        /// The tool ran but was refused (not root, no `CAP_NET_ADMIN`).
        case permissionDenied(String)
        /// The tool failed, timed out or printed something unreadable.
        case failed(String)

        public var description: String {
            switch self {
            case .read: "read"
            case .notInstalled: "not installed"
            case .permissionDenied(let message): "permission denied (run as root or with CAP_NET_ADMIN): \(message)"
            case .failed(let message): "failed: \(message)"
            }
        }
    }

    /// One tool and how it fared.
    public struct Source: Sendable, Hashable {
        /// `nft`, `iptables-save` or `ip6tables-save`.
        public var tool: String
        /// How it went.
        public var status: SourceStatus
    }

    /// The combined rules and how each tool fared.
    public struct Snapshot: Sendable {
        /// The rules of every tool that could be read, iptables-nft's tables counted once.
        public var ruleset: FirewallRuleset
        /// `nft`, `iptables-save`, `ip6tables-save` with their outcome, in that order.
        public var sources: [Source]
        /// Parser diagnostics, with the tool as the file name.
        public var diagnostics: [ParseDiagnostic]

        /// Whether no tool could be read, so "no blocks" means "unknown", not "open".
        public var isBlind: Bool { !self.sources.contains { $0.status == .read } }
    }

    /// Where to look for the tools.
    public var searchDirectories: [String]
    /// A fixed prefix for every command, e.g. `["/usr/sbin/ip", "netns", "exec", "NAME"]` to read a
    /// network namespace's rules; empty for the host's own.
    public var commandPrefix: [String]
    /// The limit per tool.
    public var timeout: Duration

    /// Creates a reader for the host's rules, or for a namespace's through `commandPrefix`.
    public init(
        searchDirectories: [String] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"],
        commandPrefix: [String] = [],
        timeout: Duration = .seconds(10)
    ) {
        self.searchDirectories = searchDirectories
        self.commandPrefix = commandPrefix
        self.timeout = timeout
    }

    /// Runs the tools and parses their output.
    public func read() -> Snapshot {
        var sources: [Source] = []
        var diagnostics: [ParseDiagnostic] = []

        var nftables: FirewallRuleset?
        switch self.output(of: "nft", ["-j", "list", "ruleset"]) {
        case .success(let bytes):
            let parsed = NftablesRulesetParser.parse(bytes, file: "nft -j list ruleset")
            diagnostics += parsed.diagnostics
            if parsed.hasErrors, parsed.value.chains.isEmpty {
                sources.append(
                    Source(tool: "nft", status: .failed(parsed.diagnostics.first?.message ?? "unreadable output"))
                )
            } else {
                nftables = parsed.value
                sources.append(Source(tool: "nft", status: .read))
            }
        case .failure(let status):
            sources.append(Source(tool: "nft", status: status))
        }

        var iptables: [FirewallRuleset] = []
        var usesNftables = false
        for (tool, family) in [("iptables-save", "ip"), ("ip6tables-save", "ip6")] {
            switch self.output(of: tool, []) {
            case .success(let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                let parsed = IptablesSaveParser.parse(text, family: family, file: tool)
                diagnostics += parsed.diagnostics
                usesNftables = usesNftables || IptablesSaveParser.usesNftablesBackend(text)
                iptables.append(parsed.value)
                sources.append(Source(tool: tool, status: .read))
            case .failure(let status):
                sources.append(Source(tool: tool, status: status))
            }
        }
        let ruleset = FirewallRuleset.combining(
            nftables: nftables,
            iptables: iptables,
            iptablesUsesNftables: usesNftables
        )
        return Snapshot(ruleset: ruleset, sources: sources, diagnostics: diagnostics)
    }

    /// A tool's standard output, or why there is none.
    private enum ToolOutput {
        case success([UInt8])
        case failure(SourceStatus)
    }

    private func output(of tool: String, _ arguments: [String]) -> ToolOutput {
        guard let path = ExternalCommand.locate(tool, in: self.searchDirectories) else {
            return .failure(.notInstalled)
        }
        let argv = self.commandPrefix + [path] + arguments
        let command = ExternalCommand(argv[0], Array(argv.dropFirst()), timeout: self.timeout)
        let result: ExternalCommand.Result
        do {
            result = try command.run()
        } catch {
            switch error {
            case .notInstalled: return .failure(.notInstalled)
            case .permissionDenied: return .failure(.permissionDenied(error.description))
            case .spawnFailed: return .failure(.failed(error.description))
            }
        }
        if result.timedOut { return .failure(.failed("\(tool) did not finish within \(self.timeout)")) }
        if result.truncated { return .failure(.failed("\(tool) printed more than \(command.outputLimit) bytes")) }
        guard result.succeeded else {
            let message = result.errorText.isEmpty ? "exit status \(result.exitStatus ?? -1)" : result.errorText
            if message.contains("Permission denied") || message.contains("Operation not permitted") {
                return .failure(.permissionDenied(message))
            }
            return .failure(.failed(message))
        }
        return .success(result.standardOutput)
    }
}
