/// Which OpenSSH server program wrote a log line (its syslog identifier).
public enum SSHDProgram: String, Sendable, Hashable, CaseIterable {
    /// The listener (and, before OpenSSH 9.8, every per-connection process too).
    case sshd
    /// The per-connection process, split out of `sshd` in OpenSSH 9.8.
    case sshdSession = "sshd-session"
    /// The pre-authentication process of OpenSSH 10.0+. Its lines usually reach the log through
    /// `sshd-session` with a ` [preauth]` suffix; the identifier is accepted in case a build logs it directly.
    case sshdAuth = "sshd-auth"
}
