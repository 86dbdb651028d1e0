/// The stable identifier of a health check: what users name in configuration (`Disable=`), what the journal
/// carries as `SSHD_AUDITOR_CHECK=`, and the key of the journal catalog's entries.
///
/// The raw values and the message ids are a public contract: monitoring rules and `journalctl MESSAGE_ID=`
/// queries depend on them, so they never change once released.
public enum CheckID: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case sshdDown = "sshd-down"
    case sshdRestartLoop = "sshd-restart-loop"
    case sshdNotInstalled = "sshd-not-installed"
    case configInvalid = "config-invalid"
    case configNotApplied = "config-not-applied"
    case portMismatch = "port-mismatch"
    case maxStartupsThrottling = "maxstartups-throttling"
    case maxStartupsSaturated = "maxstartups-saturated"
    case privsepDirectoryMissing = "privsep-dir-missing"
    case hostKeysMissing = "hostkeys-missing"
    case keyPermissions = "key-permissions"
    case authFailureBurst = "auth-failure-burst"
    case firewallBlocksPort = "firewall-blocks-port"

    public var description: String { self.rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The journal `MESSAGE_ID=` of the entry written when an alert of this check is raised (128 bits, as 32
    /// lower-case hex digits, generated once).
    public var raisedMessageID: String {
        switch self {
        case .sshdDown: "152eaa802b5c4bdfae19f7e29f867904"
        case .sshdRestartLoop: "97684041e645411daf8554cc038757f2"
        case .sshdNotInstalled: "630eb464cf3b4c498609bc6cf0d2c697"
        case .configInvalid: "f7a5b22a9c8646a0a1ec810d8d2aad7d"
        case .configNotApplied: "800a5582053a459b98c91af9ab0fb5fa"
        case .portMismatch: "0d73b5e0f78f43edb27b3fc0f0e52584"
        case .maxStartupsThrottling: "b78e092f25ee4bc6bcdb4a43b45b9a09"
        case .maxStartupsSaturated: "d380be5b3028429c931c645e7f4248a3"
        case .privsepDirectoryMissing: "6844176e495e4020af88964c404f6849"
        case .hostKeysMissing: "f26818ca832545d69640be61a17737af"
        case .keyPermissions: "22f9599c45f04cb7827641a294660721"
        case .authFailureBurst: "205d84efd1fe435c88166a8857b5dcec"
        case .firewallBlocksPort: "f210b2dafcc94374989f24bf34d0d2af"
        }
    }

    /// The journal `MESSAGE_ID=` of the entry written when an alert of this check is resolved.
    public var resolvedMessageID: String {
        switch self {
        case .sshdDown: "eb9db67710d3438cb3822f82c267622a"
        case .sshdRestartLoop: "7050c055e0c34defb55ed82ba7dcd7c6"
        case .sshdNotInstalled: "3f7dbb0396f04b87beb23941864c3ca6"
        case .configInvalid: "12b7c6c75ec14e0db1518704f8db2796"
        case .configNotApplied: "24f721a63a714ec2951498c167760b53"
        case .portMismatch: "29d5190dd7364115862c6ab4a2e63417"
        case .maxStartupsThrottling: "595709a70f944ddaa3718bce50b0c0fa"
        case .maxStartupsSaturated: "e601978469184f14ad1814b1e6d38ed7"
        case .privsepDirectoryMissing: "db77681abcd94e01be4ab7923dab288d"
        case .hostKeysMissing: "9816e1949f534dbf9541d6ccd64d5940"
        case .keyPermissions: "bacb1aab9ceb483783373314cc18be05"
        case .authFailureBurst: "477e4de82063459e82a4f68730b99b14"
        case .firewallBlocksPort: "611abf62bc9c4e99b8a42f4314870901"
        }
    }

    /// A short title, e.g. for `status` output and the catalog's Subject.
    public var title: String {
        switch self {
        case .sshdDown: "sshd is not running"
        case .sshdRestartLoop: "sshd keeps restarting"
        case .sshdNotInstalled: "sshd is not installed"
        case .configInvalid: "the on-disk sshd configuration is invalid"
        case .configNotApplied: "the on-disk sshd configuration is not applied"
        case .portMismatch: "sshd does not listen where it is configured to"
        case .maxStartupsThrottling: "MaxStartups is throttling new connections"
        case .maxStartupsSaturated: "MaxStartups is full: new connections are dropped"
        case .privsepDirectoryMissing: "the privilege separation directory is missing"
        case .hostKeysMissing: "host keys are missing or unreadable"
        case .keyPermissions: "sshd refuses keys because of file modes"
        case .authFailureBurst: "burst of authentication failures"
        case .firewallBlocksPort: "a firewall rule blocks the sshd port"
        }
    }

    /// What to do about it, in one or two sentences with the commands to run.
    public var fixHint: String {
        switch self {
        case .sshdDown:
            "Run `systemctl status ssh` and `journalctl -u ssh -n 50` to see why it stopped, fix the cause, then"
                + " `systemctl start ssh`."
        case .sshdRestartLoop:
            "sshd exits right after starting: read `journalctl -u ssh -n 50`, check `sshd -t`, then"
                + " `systemctl reset-failed ssh` and `systemctl restart ssh`."
        case .sshdNotInstalled:
            "Install the OpenSSH server (`apt install openssh-server` or `dnf install openssh-server`) and enable"
                + " it with `systemctl enable --now ssh` (or `sshd`)."
        case .configInvalid:
            "Run `sshd -t` to see the error and fix sshd_config before anything restarts sshd: the next restart"
                + " or reboot will fail."
        case .configNotApplied:
            "Check the edit with `sshd -t`, then apply it with `systemctl reload ssh` (or restart for Port and"
                + " ListenAddress changes); compare with `ss -ltnp`."
        case .portMismatch:
            "Compare `sshd -T | grep -Ei '^(port|listenaddress)'` with `ss -ltnp`; free the port or fix"
                + " Port/ListenAddress, then `systemctl restart ssh`."
        case .maxStartupsThrottling:
            "Too many unauthenticated connections: look for scanners with `ss -tn state syn-recv '( sport = :22 )'`"
                + " and the log; raise MaxStartups or rate-limit sources."
        case .maxStartupsSaturated:
            "sshd drops every new connection: find the sources with `ss -tn '( sport = :22 )'`, block abusive"
                + " ones, and raise MaxStartups or lower LoginGraceTime."
        case .privsepDirectoryMissing:
            "Create it (`install -d -m 0755 /run/sshd`, or add RuntimeDirectory=sshd to the unit) and restart"
                + " sshd; `sshd -t` confirms."
        case .hostKeysMissing:
            "Regenerate the host keys with `ssh-keygen -A` (or fix the HostKey lines), check `sshd -t`, then"
                + " restart sshd."
        case .keyPermissions:
            "Fix ownership and modes: `chmod go-w ~ ~/.ssh ~/.ssh/authorized_keys` and `chown USER` them;"
                + " `sshd-auditor check --user USER` lists the culprits."
        case .authFailureBurst:
            "Someone is guessing credentials: check `journalctl -u ssh | grep SOURCE`, and block the source"
                + " (fail2ban, sshguard, nftables) if it is not yours."
        case .firewallBlocksPort:
            "Inspect `nft list ruleset` or `iptables-save` for the DROP/REJECT rule on the sshd port and allow"
                + " it for the clients that need SSH."
        }
    }
}
