import SSHDAuditCore
import SystemPackage

/// Reads the TCP listeners of the host, from netlink `sock_diag` or from `/proc/net/tcp` and
/// `/proc/net/tcp6`, and finds the processes that own them through `/proc/PID/fd`, the way `ss -ltnp`
/// does.
///
/// Netlink asks the kernel for the listeners alone, so it costs the same however many connections the
/// host has; the `/proc` tables list every socket. ``source`` chooses: by default netlink for the live
/// `/proc`, and the tables under ``procRoot`` when it is anything else (tests and
/// `sshd-auditor sockets --proc-root` point the same code at a fixture tree) or when netlink fails.
/// Both describe the network namespace of the reading process.
///
/// Finding owners needs the right to read other processes' `fd` directories: as root every owner is
/// found; as another user only that user's processes are, and the other sockets come back with no
/// owners, as with `ss -p`. Processes that exit during the walk are skipped.
public struct ListeningSocketReader: Sendable {
    /// The directory that stands for `/proc`.
    public var procRoot: String
    /// Where the listeners come from; the owners always come from `<procRoot>/PID/fd`.
    public var source: SocketSource

    /// - Parameters:
    ///   - procRoot: The directory that stands for `/proc`; a fixture tree in tests.
    ///   - source: Netlink, the `/proc` tables, or netlink with the tables as fallback (`.auto`).
    public init(procRoot: String = "/proc", source: SocketSource = .auto) {
        self.procRoot = procRoot
        self.source = source
    }

    /// The listeners' kernel entries and where they came from.
    public struct Listeners: Sendable {
        /// The LISTEN entries, IPv4 first; rows the `/proc` parser could not read come back as
        /// diagnostics naming the file and line (netlink answers have none).
        public var entries: [TCPSocketEntry]
        /// Diagnostics from the `/proc` parser.
        public var diagnostics: [ParseDiagnostic]
        /// The source that answered: `.netlink` or `.proc`, never `.auto`.
        public var source: SocketSource
        /// Why netlink was not used when ``ListeningSocketReader/source`` was `.auto` and it failed.
        public var netlinkFailure: NetlinkError?
    }

    /// Whether ``procRoot`` is the running system's `/proc` (`/proc` or `/proc/`), the only root whose
    /// sockets netlink can also see.
    public var readsLiveProc: Bool {
        ProcFileSystem(root: self.procRoot).root == "/proc"
    }

    // MARK: - Public API

    /// Every row of `<procRoot>/net/tcp` and `<procRoot>/net/tcp6`: IPv4 rows first, in file order.
    ///
    /// A missing `tcp6` means a kernel without IPv6 (`ipv6.disable=1`) and reads as no IPv6 sockets.
    /// Rows the parser could not read come back as diagnostics naming the file and line.
    ///
    /// - Parameter state: When given, only the rows in this state (see ``ProcNetTCPParser``).
    /// - Throws: ``ProcAccessError`` when `tcp`, or an existing `tcp6`, cannot be read.
    public func sockets(onlyState state: TCPState? = nil) throws(ProcAccessError) -> Parsed<[TCPSocketEntry]> {
        let fileSystem = ProcFileSystem(root: self.procRoot)
        var result = Parsed<[TCPSocketEntry]>(value: [])
        for (name, family) in [("tcp", AddressFamily.ipv4), ("tcp6", .ipv6)] {
            let path = fileSystem.path("net", name)
            let bytes: [UInt8]
            do throws(ProcAccessError) {
                // A busy host's table is megabytes: start at one, rather than double up to it from a
                // few kilobytes, copying all the way.
                bytes = try fileSystem.readFile(path, initialCapacity: 1 << 20)
            } catch let error where family == .ipv6 && error.errno == .noSuchFileOrDirectory {
                continue
            }
            let parsed = ProcNetTCPParser.parse(bytes, family: family, file: path, onlyState: state)
            result.value += parsed.value
            result.diagnostics += parsed.diagnostics
        }
        return result
    }

    /// The LISTEN entries from ``source``, without owners.
    ///
    /// - Throws: ``SocketReadError`` when the chosen source fails; with `.auto`, only when the `/proc`
    ///   tables fail after netlink did.
    public func listeners() throws(SocketReadError) -> Listeners {
        try self.listeners { () throws(NetlinkError) in try NetlinkSocketDiagReader().sockets(states: [.listen]) }
    }

    /// ``listeners()`` with the netlink query passed in, so tests can make it fail.
    func listeners(
        netlink: () throws(NetlinkError) -> [TCPSocketEntry]
    ) throws(SocketReadError) -> Listeners {
        var netlinkFailure: NetlinkError?
        let useNetlink =
            switch self.source {
            case .netlink: true
            case .proc: false
            case .auto: self.readsLiveProc
            }
        if useNetlink {
            do throws(NetlinkError) {
                let entries = try netlink()
                return Listeners(entries: entries, diagnostics: [], source: .netlink, netlinkFailure: nil)
            } catch {
                guard self.source == .auto else { throw .netlink(error) }
                netlinkFailure = error
            }
        }
        do throws(ProcAccessError) {
            let parsed = try self.sockets(onlyState: .listen)
            // A table read in several chunks can repeat a row when sockets come and go between two reads
            // (the kernel resumes by position): keep the first row of each listening socket.
            var seen: Set<UInt64> = []
            let entries = parsed.value.filter { $0.inode == 0 || seen.insert($0.inode).inserted }
            return Listeners(
                entries: entries,
                diagnostics: parsed.diagnostics,
                source: .proc,
                netlinkFailure: netlinkFailure
            )
        } catch {
            throw .proc(error)
        }
    }

    /// The sockets in state LISTEN, each with the processes that hold it, sorted by port and address.
    ///
    /// - Parameter findOwners: Whether to walk `<procRoot>/PID/fd` for the owners; without it (the
    ///   equivalent of `ss -ltn` rather than `ss -ltnp`) every socket has no owners, and the cost does
    ///   not grow with the number of open descriptors on the host.
    /// - Throws: ``SocketReadError`` when the sockets cannot be listed (see ``listeners()``). Processes
    ///   that cannot be inspected do not make it throw; their sockets just have fewer owners.
    /// - Parameter previous: the sockets a previous call returned, whose owners are reused when they still
    ///   hold (see ``owners(ofInodes:reusing:)``): the daemon's cycles then skip the walk of every `fd`
    ///   directory on the host.
    public func listeningSockets(
        findOwners: Bool = true,
        reusingOwnersOf previous: [ListeningSocket]? = nil
    ) throws(SocketReadError) -> Parsed<[ListeningSocket]> {
        let listeners = try self.listeners()
        return Parsed(
            value: self.listeningSockets(listeners, findOwners: findOwners, reusingOwnersOf: previous),
            diagnostics: listeners.diagnostics
        )
    }

    /// `listeners` with their owners (when `findOwners`), sorted by port, address and inode.
    public func listeningSockets(
        _ listeners: Listeners,
        findOwners: Bool = true,
        reusingOwnersOf previous: [ListeningSocket]? = nil
    ) -> [ListeningSocket] {
        let inodes = Set(listeners.entries.map(\.inode).filter { $0 != 0 })
        var known: [UInt64: [SocketOwner]]?
        if let previous {
            known = Dictionary(previous.map { ($0.entry.inode, $0.owners) }) { first, _ in first }
        }
        let owners = findOwners ? self.owners(ofInodes: inodes, reusing: known) : [:]
        return
            listeners.entries
            .map { ListeningSocket(entry: $0, owners: $0.inode == 0 ? [] : owners[$0.inode, default: []]) }
            .sorted { ($0.endpoint, $0.entry.inode) < ($1.endpoint, $1.entry.inode) }
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

    /// ``owners(ofInodes:)``, but first checking whether `previous` (what an earlier call found, by inode)
    /// still holds, which costs one `readlink` and one `comm` read per owner instead of a `readlink` per open
    /// descriptor on the host: every inode in `inodes` had owners then, no other inode did, and each of those
    /// owners still holds its inode at the same descriptor. Their commands are read afresh. Anything else
    /// (a socket that came or went, an owner gone or its descriptor reused, an inode without a known owner)
    /// walks every `<procRoot>/PID/fd` as ``owners(ofInodes:)`` does.
    ///
    /// What the check cannot see: a process that gained a descriptor to a socket another one still holds
    /// (a forked worker inheriting a listener). It is listed from the next walk, which any change to the
    /// listeners or their known owners brings.
    public func owners(ofInodes inodes: Set<UInt64>, reusing previous: [UInt64: [SocketOwner]]?) -> [UInt64:
        [SocketOwner]]
    {
        guard let previous, !inodes.isEmpty, Set(previous.keys) == inodes,
            previous.values.allSatisfy({ !$0.isEmpty })
        else { return self.owners(ofInodes: inodes) }
        let fileSystem = ProcFileSystem(root: self.procRoot)
        var linkBuffer = [UInt8](repeating: 0, count: 64)
        var commands: [Int32: String?] = [:]
        var confirmed: [UInt64: [SocketOwner]] = [:]
        for (inode, owners) in previous {
            for owner in owners {
                let pid = String(owner.pid)
                guard
                    let target = try? fileSystem.readLink(
                        fileSystem.path(pid, "fd", String(owner.fileDescriptor)),
                        into: &linkBuffer
                    ),
                    Self.socketInode(linkTarget: target) == inode
                else { return self.owners(ofInodes: inodes) }
                if commands[owner.pid] == nil { commands[owner.pid] = self.command(pid: pid, fileSystem: fileSystem) }
                let command = commands[owner.pid] ?? nil
                confirmed[inode, default: []].append(
                    SocketOwner(pid: owner.pid, fileDescriptor: owner.fileDescriptor, command: command)
                )
            }
        }
        return confirmed
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
