import ArgumentParser
import Glibc
import SSHDAuditCore
import SSHDAuditor

/// `sshd-auditor sockets`: the listening TCP sockets and the processes that own them.
struct SocketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockets",
        abstract: "List listening TCP sockets with their owning processes, like `ss -ltnp`.",
        discussion: """
            Reads /proc/net/tcp and /proc/net/tcp6 (the sockets of this network
            namespace) and finds the processes holding each LISTEN socket through
            their /proc/PID/fd/N -> socket:[INODE] links.

            It answers the first question behind "ssh: connect to host ... port 22:
            Connection refused": does anything listen on that address and port, and
            is it sshd? An sshd that listens on 127.0.0.1 only, or on another port
            than the one clients use, refuses everyone else.

            Columns:
              Local Address:Port  where the socket listens. 0.0.0.0 and [::] mean
                                  every IPv4 or IPv6 address of the host;
                                  [::ffff:a.b.c.d] is an IPv4 address on an IPv6
                                  socket. ss prints *:22 for an IPv6 wildcard
                                  socket that also accepts IPv4; /proc does not
                                  say which sockets are IPv6-only, so this
                                  prints [::]:22 for all of them.
              Recv-Q              connections waiting for accept(2). If it stays
                                  above 0, the process is not keeping up.
              Send-Q              the kernel's transmit queue, 0 for a listener
                                  (ss shows the backlog limit here, which /proc
                                  does not expose).
              UID                 the user that created the socket.
              PID, Command        the processes holding it (from /proc/PID/comm),
                                  or "-". Only root sees other users' processes.

            Rows that cannot be parsed are reported on standard error (or under
            "diagnostics" with --json); the exit status is 0 whenever the tables
            could be read.

            Examples:
              sshd-auditor sockets
              sshd-auditor sockets --json | jq '.sockets[] | select(.port == 22)'
              sshd-auditor sockets --proc-root /srv/proc-copy
            """
    )

    @Option(
        name: .customLong("proc-root"),
        help: ArgumentHelp(
            """
            The directory to read instead of /proc: a copy of another machine's net/tcp, net/tcp6 and \
            PID directories, or a test fixture.
            """,
            valueName: "dir"
        )
    )
    var procRoot: String = "/proc"

    @Flag(help: "Print JSON (sockets, processes and diagnostics) instead of a table.")
    var json = false

    func run() throws {
        let reader = ListeningSocketReader(procRoot: self.procRoot)
        let parsed = try reader.listeningSockets()
        if self.json {
            print(try ListeningSocketReport.json(parsed), terminator: "")
            return
        }
        for diagnostic in parsed.diagnostics {
            Self.printError("\(diagnostic)")
        }
        print(ListeningSocketReport.table(parsed.value), terminator: "")
        if geteuid() != 0, parsed.value.contains(where: \.owners.isEmpty) {
            Self.printError("note: sockets of other users' processes show no owner; run as root to see them all")
        }
    }

    /// Writes one line to standard error. If that fails there is nowhere left to report it, so the
    /// line is dropped.
    private static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDERR_FILENO, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
