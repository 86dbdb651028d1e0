import SSHDAuditCore
import SystemPackage

/// Reads the TCP sockets of the host from `/proc/net/tcp` and `/proc/net/tcp6`, and finds the processes
/// that own the listening ones through `/proc/PID/fd`, the way `ss -ltnp` does.
///
/// Every path is under ``procRoot``, so tests and `sshd-auditor sockets --proc-root DIR` point the same
/// code at a fixture tree. The socket tables belong to the network namespace of the process reading
/// them (`/proc/net` is `/proc/self/net`).
///
/// Finding owners needs the right to read other processes' `fd` directories: as root every owner is
/// found; as another user only that user's processes are, and the other sockets come back with no
/// owners, as with `ss -p`. Processes that exit during the walk are skipped.
public struct ListeningSocketReader: Sendable {
    /// The directory that stands for `/proc`.
    public var procRoot: String

    /// - Parameter procRoot: The directory that stands for `/proc`; a fixture tree in tests.
    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    // MARK: - Public API

    /// Every row of `<procRoot>/net/tcp` and `<procRoot>/net/tcp6`: IPv4 rows first, in file order.
    ///
    /// A missing `tcp6` means a kernel without IPv6 (`ipv6.disable=1`) and reads as no IPv6 sockets.
    /// Rows the parser could not read come back as diagnostics naming the file and line.
    ///
    /// - Throws: ``ProcAccessError`` when `tcp`, or an existing `tcp6`, cannot be read.
    public func sockets() throws(ProcAccessError) -> Parsed<[TCPSocketEntry]> {
        let fileSystem = ProcFileSystem(root: self.procRoot)
        var result = Parsed<[TCPSocketEntry]>(value: [])
        for (name, family) in [("tcp", AddressFamily.ipv4), ("tcp6", .ipv6)] {
            let path = fileSystem.path("net", name)
            let bytes: [UInt8]
            do throws(ProcAccessError) {
                bytes = try fileSystem.readFile(path)
            } catch let error where family == .ipv6 && error.errno == .noSuchFileOrDirectory {
                continue
            }
            let parsed = ProcNetTCPParser.parse(bytes, family: family, file: path)
            result.value += parsed.value
            result.diagnostics += parsed.diagnostics
        }
        return result
    }

    /// The sockets in state LISTEN, each with the processes that hold it, sorted by port and address.
    ///
    /// - Throws: ``ProcAccessError`` when the socket tables cannot be read. Processes that cannot be
    ///   inspected do not make it throw; their sockets just have fewer owners.
    public func listeningSockets() throws(ProcAccessError) -> Parsed<[ListeningSocket]> {
        let all = try self.sockets()
        // A table read in several chunks can repeat a row when sockets come and go between two reads
        // (the kernel resumes by position): keep the first row of each listening socket.
        var seen: Set<UInt64> = []
        let listeners = all.value.filter { $0.isListening && ($0.inode == 0 || seen.insert($0.inode).inserted) }
        let owners = self.owners(ofInodes: Set(listeners.map(\.inode).filter { $0 != 0 }))
        let sockets =
            listeners
            .map { ListeningSocket(entry: $0, owners: $0.inode == 0 ? [] : owners[$0.inode, default: []]) }
            .sorted { ($0.endpoint, $0.entry.inode) < ($1.endpoint, $1.entry.inode) }
        return Parsed(value: sockets, diagnostics: all.diagnostics)
    }

    /// The processes holding each of `inodes` open, found by reading every `<procRoot>/PID/fd/N` link
    /// that reads `socket:[INODE]`.
    ///
    /// Processes that exit during the walk, or whose descriptors cannot be read (`EACCES`), are skipped.
    /// Inodes that no inspected process holds are absent from the result.
    public func owners(ofInodes inodes: Set<UInt64>) -> [UInt64: [SocketOwner]] {
        guard !inodes.isEmpty else { return [:] }
        let fileSystem = ProcFileSystem(root: self.procRoot)
        // The root itself unreadable means no owners can be found; the tables were readable, so report
        // the sockets without owners rather than fail.
        guard let entries = try? fileSystem.directoryEntries(fileSystem.root) else { return [:] }
        var owners: [UInt64: [SocketOwner]] = [:]
        var linkBuffer = [UInt8](repeating: 0, count: 64)
        for name in entries {
            guard let pid = Self.decimal(name.utf8).flatMap({ Int32(exactly: $0) }) else { continue }
            let descriptorDirectory = fileSystem.path(name, "fd")
            // Gone (exited) or not ours to read (EACCES): either way there is nothing to learn here.
            guard let descriptors = try? fileSystem.directoryEntries(descriptorDirectory) else { continue }
            var command: String?
            var commandWasRead = false
            for descriptorName in descriptors {
                guard let descriptor = Self.decimal(descriptorName.utf8).flatMap({ Int32(exactly: $0) }),
                    let target = try? fileSystem.readLink(
                        descriptorDirectory + "/" + descriptorName,
                        into: &linkBuffer
                    ),
                    let inode = Self.socketInode(linkTarget: target),
                    inodes.contains(inode)
                else { continue }
                if !commandWasRead {
                    command = self.command(pid: name, fileSystem: fileSystem)
                    commandWasRead = true
                }
                owners[inode, default: []].append(SocketOwner(pid: pid, fileDescriptor: descriptor, command: command))
            }
        }
        return owners
    }

    // MARK: - Helpers

    /// `<procRoot>/PID/comm` without its newline; `nil` if the process is gone.
    private func command(pid: String, fileSystem: ProcFileSystem) -> String? {
        guard var bytes = try? fileSystem.readFile(fileSystem.path(pid, "comm")) else { return nil }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The inode in a descriptor link of the form `socket:[12345]`; `nil` for any other target.
    static func socketInode(linkTarget: some BidirectionalCollection<UInt8>) -> UInt64? {
        let prefix = "socket:[".utf8
        guard linkTarget.starts(with: prefix), linkTarget.last == UInt8(ascii: "]") else { return nil }
        return Self.decimal(linkTarget.dropFirst(prefix.count).dropLast())
    }

    /// An unsigned decimal number of 1 to 19 digits (so it cannot overflow); `nil` for anything else.
    private static func decimal(_ digits: some Collection<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
