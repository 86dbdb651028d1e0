/// Which log source the daemon reads sshd's events from (the `LogSource=` setting).
public enum LogSourceMode: String, Sendable, Hashable, CaseIterable {
    /// The syslog file when sshd's lines are in it, else the journal (see ``LogSourceSelector``).
    case auto
    /// The systemd journal, always.
    case journal
    /// The syslog file (`/var/log/auth.log`, `/var/log/secure`), always.
    case file
}
