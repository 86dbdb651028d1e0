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
            Asks the kernel for the LISTEN sockets of this network namespace over
            netlink sock_diag, as ss does (or reads /proc/net/tcp and /proc/net/tcp6,
            see --source), and finds the processes holding each of them through
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
                                  say which sockets are IPv6-only, so both
                                  sources print [::]:22 for all of them.
              Recv-Q              connections waiting for accept(2). If it stays
                                  above 0, the process is not keeping up.
              Send-Q              the kernel's transmit queue, 0 for a listener
                                  (ss shows the backlog limit here, which /proc
                                  does not expose).
              UID                 the user that created the socket.
              PID, Command        the processes holding it (from /proc/PID/comm),
                                  or "-". Only root sees other users' processes.

            Rows of /proc/net/tcp* that cannot be parsed are reported on standard
            error (or under "diagnostics" with --json); the exit status is 0
            whenever the sockets could be listed. If netlink is refused (a seccomp
            policy, a kernel without tcp_diag), --source auto says so on standard
            error and reads the /proc tables; --source netlink fails instead.

            Examples:
              sshd-auditor sockets
              sshd-auditor sockets --json | jq '.sockets[] | select(.port == 22)'
              sshd-auditor sockets --proc-root /srv/proc-copy
              sshd-auditor sockets --source proc --no-processes
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

    @Option(
        help: ArgumentHelp(
            """
            Where to find the listeners: netlink (sock_diag: the kernel returns the listeners alone, \
            however many connections the host has), proc (<proc-root>/net/tcp and tcp6: every socket, \
            filtered here), or auto: netlink, falling back to proc if netlink is refused, and proc with \
            --proc-root.
            """,
            valueName: "source"
        )
    )
    var source: SocketSource = .auto

    @Flag(help: "Do not look for the owning processes (like ss -ltn rather than ss -ltnp).")
    var noProcesses = false

    @Flag(help: "Print JSON (sockets, processes and diagnostics) instead of a table.")
    var json = false

    func validate() throws {
        if self.source == .netlink, !ListeningSocketReader(procRoot: self.procRoot).readsLiveProc {
            throw ValidationError(
                "--source netlink asks the running kernel; it cannot read --proc-root \(self.procRoot)"
            )
        }
    }

    func run() throws {
        let reader = ListeningSocketReader(procRoot: self.procRoot, source: self.source)
        let listeners = try reader.listeners()
        if let failure = listeners.netlinkFailure {
            Self.printError("note: netlink sock_diag unavailable (\(failure)); read /proc/net/tcp and tcp6 instead")
        }
        let parsed = Parsed(
            value: reader.listeningSockets(listeners, findOwners: !self.noProcesses),
            diagnostics: listeners.diagnostics
        )
        if self.json {
            print(try ListeningSocketReport.json(parsed, source: listeners.source), terminator: "")
            return
        }
        for diagnostic in parsed.diagnostics {
            Self.printError("\(diagnostic)")
        }
        print(ListeningSocketReport.table(parsed.value), terminator: "")
        if !self.noProcesses, geteuid() != 0, parsed.value.contains(where: \.owners.isEmpty) {
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

extension SocketSource: ExpressibleByArgument {}
