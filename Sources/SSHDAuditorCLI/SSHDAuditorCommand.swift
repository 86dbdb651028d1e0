import ArgumentParser

/// `sshd-auditor`: watches the OpenSSH server and explains why SSH is (or is not) healthy. The root command;
/// ``SSHDAuditorMain`` runs it.
struct SSHDAuditorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sshd-auditor",
        abstract: "Watch the OpenSSH server and explain why SSH is or is not reachable.",
        discussion: """
            The daemon and its questions:
              run       the daemon (sshd-auditor.service): alerts to the journal on every change
              status    is SSH healthy here, and if not, why (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)
              check     the full diagnosis now, with firewall rules and a user's key file modes

            The offline tools read the same sources the daemon reads, one at a time:
              config    the effective sshd configuration, computed like `sshd -T`
              sockets   listening TCP sockets (netlink sock_diag, or /proc/net/tcp{,6}), with their processes
              events    sshd log lines classified into events

            Alerts: journalctl -t sshd-auditor -x (the catalog explains each one and how to fix it).
            """,
        subcommands: [
            RunCommand.self,
            StatusCommand.self,
            CheckCommand.self,
            ConfigCommand.self,
            SocketsCommand.self,
            EventsCommand.self,
        ]
    )
}
