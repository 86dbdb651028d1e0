import ArgumentParser

/// `sshd-auditor`: watches the OpenSSH server and explains why SSH is (or is not) healthy.
@main
struct SSHDAuditorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sshd-auditor",
        abstract: "Watch the OpenSSH server and explain why SSH is or is not reachable.",
        discussion: """
            The offline tools read the same sources the daemon reads, one at a time:
              config    the effective sshd configuration, computed like `sshd -T`
              sockets   listening TCP sockets from /proc/net/tcp and tcp6, with their processes
              events    sshd log lines classified into events
            """,
        subcommands: [
            ConfigCommand.self,
            SocketsCommand.self,
            EventsCommand.self,
        ]
    )
}
