import SSHDAuditCore

/// Renders listening sockets for people (a table in the manner of `ss -ltnp`) and for programs (JSON).
public enum ListeningSocketReport {
    // MARK: - Table

    /// One line per socket under a header, columns aligned:
    ///
    /// ```
    /// Local Address:Port  Recv-Q  Send-Q  UID  PID  Command
    /// 0.0.0.0:22          0       0       0    812  sshd
    /// [::]:22             0       0       0    812  sshd
    /// 127.0.0.1:631       0       0       0    -    -
    /// ```
    ///
    /// A socket held by several processes lists their pids and distinct commands separated by commas;
    /// `-` stands for an owner that could not be found.
    public static func table(_ sockets: [ListeningSocket]) -> String {
        let header = ["Local Address:Port", "Recv-Q", "Send-Q", "UID", "PID", "Command"]
        let rows = sockets.map { socket -> [String] in
            var commands: [String] = []
            for command in socket.owners.compactMap(\.command) where !commands.contains(command) {
                commands.append(command)
            }
            return [
                socket.endpoint.description,
                String(socket.entry.receiveQueue),
                String(socket.entry.transmitQueue),
                String(socket.entry.uid),
                socket.pids.isEmpty ? "-" : socket.pids.map(String.init).joined(separator: ","),
                commands.isEmpty ? "-" : commands.joined(separator: ","),
            ]
        }
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                if column == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[column] - cell.count + 2)
                }
            }
            return line
        }.joined(separator: "\n") + "\n"
    }

    // MARK: - JSON

    /// A JSON document with every socket and every diagnostic, keys sorted, one value per line:
    ///
    /// ```json
    /// {
    ///   "diagnostics" : [],
    ///   "sockets" : [
    ///     {
    ///       "address" : "0.0.0.0", "family" : "ipv4", "inode" : 21342, "local" : "0.0.0.0:22",
    ///       "port" : 22, "processes" : [ { "command" : "sshd", "fd" : 3, "pid" : 812 } ],
    ///       "receive_queue" : 0, "state" : "LISTEN", "transmit_queue" : 0, "uid" : 0
    ///     }
    ///   ],
    ///   "source" : "netlink"
    /// }
    /// ```
    ///
    /// `local` is the same `address:port` text as the table's, so it can be compared with `ss` output;
    /// `command` is `null` when the process exited before its name could be read.
    ///
    /// - Parameter source: When given, recorded under `source` (`netlink` or `proc`).
    public static func json(_ parsed: Parsed<[ListeningSocket]>, source: SocketSource? = nil) throws -> String {
        var members = [
            JSONMember(key: "sockets", value: .array(parsed.value.map(Self.json))),
            JSONMember(key: "diagnostics", value: .array(parsed.diagnostics.map(Self.json))),
        ]
        if let source { members.append(JSONMember(key: "source", value: .string(source.rawValue))) }
        return try JSONValue.object(members).prettyPrinted(escapingSlashes: false) + "\n"
    }

    private static func json(_ socket: ListeningSocket) -> JSONValue {
        .object([
            JSONMember(key: "local", value: .string(socket.endpoint.description)),
            JSONMember(key: "family", value: .string(socket.entry.family.rawValue)),
            JSONMember(key: "address", value: .string(socket.endpoint.address.description)),
            JSONMember(key: "port", value: .integer(Int64(socket.endpoint.port))),
            JSONMember(key: "state", value: .string(socket.entry.state.description)),
            JSONMember(key: "receive_queue", value: .integer(Int64(socket.entry.receiveQueue))),
            JSONMember(key: "transmit_queue", value: .integer(Int64(socket.entry.transmitQueue))),
            JSONMember(key: "uid", value: .integer(Int64(socket.entry.uid))),
            // Socket inodes come from the kernel's 32-bit get_next_ino() counter: clamping never bites.
            JSONMember(key: "inode", value: .integer(Int64(clamping: socket.entry.inode))),
            JSONMember(
                key: "processes",
                value: .array(
                    socket.owners.map { owner in
                        // A missing command is null rather than a missing key, so every record has the same keys.
                        .object([
                            JSONMember(key: "pid", value: .integer(Int64(owner.pid))),
                            JSONMember(key: "fd", value: .integer(Int64(owner.fileDescriptor))),
                            JSONMember(key: "command", value: owner.command.map(JSONValue.string) ?? .null),
                        ])
                    }
                )
            ),
        ])
    }

    private static func json(_ diagnostic: ParseDiagnostic) -> JSONValue {
        var members = [
            JSONMember(key: "line", value: .integer(Int64(diagnostic.line))),
            JSONMember(key: "severity", value: .string(diagnostic.severity.rawValue)),
            JSONMember(key: "message", value: .string(diagnostic.message)),
        ]
        if let file = diagnostic.file { members.append(JSONMember(key: "file", value: .string(file))) }
        return .object(members)
    }
}
