import SSHDAuditCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
    ///   ]
    /// }
    /// ```
    ///
    /// `local` is the same `address:port` text as the table's, so it can be compared with `ss` output;
    /// `command` is `null` when the process exited before its name could be read.
    public static func json(_ parsed: Parsed<[ListeningSocket]>) throws -> String {
        let document = Document(
            sockets: parsed.value.map(SocketRecord.init),
            diagnostics: parsed.diagnostics.map(DiagnosticRecord.init)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    private struct Document: Encodable {
        var sockets: [SocketRecord]
        var diagnostics: [DiagnosticRecord]
    }

    private struct SocketRecord: Encodable {
        var local: String
        var family: AddressFamily
        var address: String
        var port: UInt16
        var state: String
        var receiveQueue: UInt32
        var transmitQueue: UInt32
        var uid: UInt32
        var inode: UInt64
        var processes: [ProcessRecord]

        init(_ socket: ListeningSocket) {
            self.local = socket.endpoint.description
            self.family = socket.entry.family
            self.address = socket.endpoint.address.description
            self.port = socket.endpoint.port
            self.state = socket.entry.state.description
            self.receiveQueue = socket.entry.receiveQueue
            self.transmitQueue = socket.entry.transmitQueue
            self.uid = socket.entry.uid
            self.inode = socket.entry.inode
            self.processes = socket.owners.map(ProcessRecord.init)
        }

        enum CodingKeys: String, CodingKey {
            case local, family, address, port, state, uid, inode, processes
            case receiveQueue = "receive_queue"
            case transmitQueue = "transmit_queue"
        }
    }

    private struct ProcessRecord: Encodable {
        var pid: Int32
        var fd: Int32
        var command: String?

        init(_ owner: SocketOwner) {
            self.pid = owner.pid
            self.fd = owner.fileDescriptor
            self.command = owner.command
        }

        func encode(to encoder: any Encoder) throws {
            // Encode a missing command as null rather than leaving the key out, so every record has the
            // same keys.
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.pid, forKey: .pid)
            try container.encode(self.fd, forKey: .fd)
            try container.encode(self.command, forKey: .command)
        }

        enum CodingKeys: String, CodingKey {
            case pid, fd, command
        }
    }

    private struct DiagnosticRecord: Encodable {
        var file: String?
        var line: Int
        var severity: String
        var message: String

        init(_ diagnostic: ParseDiagnostic) {
            self.file = diagnostic.file
            self.line = diagnostic.line
            self.severity = diagnostic.severity.rawValue
            self.message = diagnostic.message
        }
    }
}
