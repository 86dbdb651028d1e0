/// Where the auditor reads sshd's log lines.
public enum LogSource: String, Sendable, Hashable, CaseIterable {
    /// The syslog file when sshd's lines are in it, else the journal (Debian 12 and later have no auth.log);
    /// see `LogSourceSelector`.
    case automatic = "auto"
    /// The systemd journal (`SYSLOG_IDENTIFIER=sshd`, `sshd-session`).
    case journal
    /// A syslog file such as `/var/log/auth.log` or `/var/log/secure`.
    case file
}
