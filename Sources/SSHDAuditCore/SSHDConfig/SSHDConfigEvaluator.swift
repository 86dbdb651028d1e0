/// Computes sshd's effective configuration from an sshd_config, the way `sshd -T [-C spec]` does.
///
/// sshd reads its config twice. The first pass applies every global line and only checks the syntax of
/// `Match` blocks; defaults then fill what is unset. The second pass, for a connection, applies only the
/// `Match` blocks that match it, and what they set overrides the first pass. Within a pass the first
/// value of most keywords wins, while a few accumulate (`Port`, `ListenAddress`, `AllowUsers`, `HostKey`,
/// `AcceptEnv`, ...) or take the last value (`MaxStartups`, `PerSourceMaxStartups`, `IPQoS`). This type
/// reproduces those rules, including `Include` (globs relative to /etc/ssh, nesting, inside `Match`) and
/// sshd's errors, which become `.error` diagnostics with their file and line.
public struct SSHDConfigEvaluator: Sendable {
    /// Where relative `Include` paths are resolved, like sshd's compiled-in `SSHDIR`.
    public static let configDirectory = "/etc/ssh"
    /// sshd's `SERVCONF_MAX_DEPTH`: deeper nesting (or an include loop) is fatal.
    public static let maximumIncludeDepth = 16

    /// Supplies globbing, file contents, group membership and name resolution.
    public let environment: any SSHDConfigEnvironment

    public init(environment: any SSHDConfigEnvironment) {
        self.environment = environment
    }

    /// Reads `path` through the environment and evaluates it.
    ///
    /// - Parameter connection: the `-C` connection; `nil` evaluates like `sshd -T` without `-C`, where no
    ///   `Match` criterion except `All` matches.
    public func evaluate(path: String, connection: SSHDConnectionSpec? = nil) -> Parsed<SSHDEffectiveConfig> {
        do {
            let bytes = try self.environment.readFile(atPath: path)
            return self.evaluate(path: path, bytes: bytes, connection: connection)
        } catch {
            let empty = SSHDEffectiveConfig(store: SSHDOptionStore(), listenAddresses: [])
            return Parsed(
                value: empty,
                diagnostics: [ParseDiagnostic(file: path, line: 1, severity: .error, message: "\(error)")]
            )
        }
    }

    /// Evaluates config text already read from `path` (the name is used for diagnostics and nothing else).
    public func evaluate(
        path: String,
        bytes: [UInt8],
        connection: SSHDConnectionSpec? = nil
    ) -> Parsed<SSHDEffectiveConfig> {
        var run = Run(environment: self.environment)
        var global = SSHDOptionStore()
        var listen: [SSHDListenAddress] = []
        do throws(Run.Stop) {
            var active = true
            try run.parse(
                file: path,
                bytes: bytes,
                into: &global,
                connection: nil,
                flags: Run.Flags(),
                active: &active,
                depth: 0
            )
            listen = try run.resolveListenAddresses(global)
            try run.checkFilledOptions(SSHDEffectiveConfig(store: global, listenAddresses: listen))
            // The second pass only reports what the first could not know (such as a missing `lport`).
            run.recordsWarnings = false
            var matched = SSHDOptionStore()
            var matchActive = false
            try run.parse(
                file: path,
                bytes: bytes,
                into: &matched,
                connection: connection ?? SSHDConnectionSpec(),
                flags: Run.Flags(matchOnly: true),
                active: &matchActive,
                depth: 0
            )
            for (key, value) in matched.values where Self.copiedFromMatch.contains(key) {
                global.values[key] = value
                global.origins[key] = matched.origins[key]
            }
        } catch {
            // The diagnostic that stopped evaluation is already recorded; keep what was read before it.
        }
        return Parsed(
            value: SSHDEffectiveConfig(store: global, listenAddresses: listen),
            diagnostics: run.diagnostics
        )
    }

    /// What `copy_set_server_options` copies from a matching block: every option allowed in `Match`, and the
    /// rekey interval, which rides along with `RekeyLimit`.
    static let copiedFromMatch: Set<String> = Set(
        SSHDKeyword.all.filter(\.isAllowedInMatch).map(\.canonicalName) + ["rekeyinterval"]
    )
}
