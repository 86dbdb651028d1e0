import SSHDAuditCore

/// Loads an sshd_config from disk and computes the effective configuration, like `sshd -T`.
///
/// This is the entry point the daemon and the CLI use; the rules themselves live in
/// `SSHDAuditCore.SSHDConfigEvaluator`.
public struct SSHDConfigLoader: Sendable {
    /// Debian's and upstream's default config path.
    public static let defaultPath = "/etc/ssh/sshd_config"

    /// The system the config is read from.
    public var environment: any SSHDConfigEnvironment

    /// A loader reading the live system, or a tree copied under `root`.
    public init(root: String = "/") {
        self.environment = SystemSSHDConfigEnvironment(root: root)
    }

    /// A loader reading through any environment (tests pass fixtures).
    public init(environment: any SSHDConfigEnvironment) {
        self.environment = environment
    }

    /// The effective configuration with no connection: global settings and `Match All` blocks, as
    /// `sshd -T` prints without `-C`.
    public func load(path: String = SSHDConfigLoader.defaultPath) -> Parsed<SSHDEffectiveConfig> {
        SSHDConfigEvaluator(environment: self.environment).evaluate(path: path)
    }

    /// The effective configuration for one connection (`sshd -T -C ...`).
    public func load(
        path: String = SSHDConfigLoader.defaultPath,
        connection: SSHDConnectionSpec
    ) -> Parsed<SSHDEffectiveConfig> {
        SSHDConfigEvaluator(environment: self.environment).evaluate(path: path, connection: connection)
    }
}
