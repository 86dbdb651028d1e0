#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one external program the safe way: an absolute path and a fixed argument vector (no shell), a
/// minimal environment, standard input from `/dev/null`, a time limit and a cap on how much output is
/// kept. Used for `nft`, `iptables-save` and `sshd -t`.
///
/// `run()` blocks the calling thread until the child exits or is killed; call it from a task that may
/// block (the daemon's collection cycle), not from a latency-sensitive one.
public struct ExternalCommand: Sendable {
    /// How a finished command ended and what it printed.
    public struct Result: Sendable, Hashable {
        /// The exit status, when it exited.
        public var exitStatus: Int32?
        /// The signal that ended it, when it was killed (by us on timeout: `SIGKILL`, sent to its whole
        /// process group).
        public var signal: Int32?
        /// Standard output, at most ``ExternalCommand/outputLimit`` bytes.
        public var standardOutput: [UInt8]
        /// Standard error, at most ``ExternalCommand/outputLimit`` bytes.
        public var standardError: [UInt8]
        /// Whether output beyond the limit was discarded.
        public var truncated: Bool
        /// Whether the time limit ran out and the child was killed.
        public var timedOut: Bool

        /// Whether the command exited with status 0.
        public var succeeded: Bool { self.exitStatus == 0 }

        /// Standard error as text, trimmed, for messages.
        public var errorText: String {
            String(decoding: self.standardError, as: UTF8.self).split(whereSeparator: \.isNewline).joined(
                separator: "; "
            )
        }
    }

    /// Why a command could not be run at all.
    public enum Failure: Error, Hashable, CustomStringConvertible {
        /// The executable does not exist: for optional tools, "not installed".
        case notInstalled(String)
        /// The executable exists but may not be run.
        case permissionDenied(String)
        /// `pipe` or `posix_spawn` failed for another reason.
        case spawnFailed(String, errno: Int32)

        public var description: String {
            switch self {
            case .notInstalled(let path): "\(path) is not installed"
            case .permissionDenied(let path): "permission denied running \(path)"
            case .spawnFailed(let path, let errno): "cannot run \(path): \(String(cString: strerror(errno)))"
            }
        }
    }

    /// The environment every command gets: a fixed PATH and the C locale, so output is parseable.
    public static let safeEnvironment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]

    /// The absolute path of the program.
    public var executable: String
    /// The arguments after `argv[0]`.
    public var arguments: [String]
    /// Extra `NAME=value` entries on top of ``safeEnvironment``.
    public var environment: [String]
    /// How long the command may run before it is killed.
    public var timeout: Duration
    /// How many bytes of each stream are kept.
    public var outputLimit: Int

    /// Describes a command; nothing runs until ``run()``.
    public init(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String] = [],
        timeout: Duration = .seconds(10),
        outputLimit: Int = 16 << 20
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    /// The first of `directories` holding an executable `name`, e.g. `nft` in `/usr/sbin`.
    public static func locate(_ name: String, in directories: [String] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
        -> String?
    {
        directories.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Starts the command, collects its output and waits for it.
    ///
    /// The corresponding C functions are `posix_spawn(3)`, `poll(2)` and `waitpid(2)`.
    public func run() throws(Failure) -> Result {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard Self.makePipe(&outputPipe) else { throw .spawnFailed(self.executable, errno: errno) }
        guard Self.makePipe(&errorPipe) else {
            let saved = errno
            close(outputPipe[0])
            close(outputPipe[1])
            throw .spawnFailed(self.executable, errno: saved)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child must not inherit the daemon's blocked signals or handlers (a blocked SIGTERM would
        // make our own timeout kill the only way to stop it).
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        // Its own process group, so a timeout kills whatever it started too (`ip netns exec` → `nft`).
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)
        )

        let argv = [self.executable] + self.arguments
        let environment = Self.safeEnvironment + self.environment
        var pid: pid_t = 0
        let spawnResult = Self.withCStrings(argv) { argvPointer in
            Self.withCStrings(environment) { environmentPointer in
                posix_spawn(&pid, self.executable, &actions, &attributes, argvPointer, environmentPointer)
            }
        }
        close(outputPipe[1])
        close(errorPipe[1])
        guard spawnResult == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            switch spawnResult {
            case ENOENT, ENOTDIR: throw .notInstalled(self.executable)
            case EACCES, EPERM: throw .permissionDenied(self.executable)
            default: throw .spawnFailed(self.executable, errno: spawnResult)
            }
        }

        var result = Result(
            exitStatus: nil,
            signal: nil,
            standardOutput: [],
            standardError: [],
            truncated: false,
            timedOut: false
        )
        self.collect(output: outputPipe[0], error: errorPipe[0], pid: pid, into: &result)
        close(outputPipe[0])
        close(errorPipe[0])

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        if signal == 0 {
            result.exitStatus = (status >> 8) & 0xFF
        } else {
            result.signal = signal
        }
        return result
    }

    /// Reads both pipes until they close or the deadline passes; on timeout kills the child.
    private func collect(output: Int32, error: Int32, pid: pid_t, into result: inout Result) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: self.timeout)
        var descriptors = [
            pollfd(fd: output, events: Int16(POLLIN), revents: 0), pollfd(fd: error, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while descriptors.contains(where: { $0.fd >= 0 }) {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero {
                kill(-pid, SIGKILL)
                result.timedOut = true
                return
            }
            let milliseconds = Int32(
                clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
                    + 1
            )
            let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                kill(-pid, SIGKILL)
                return
            }
            for index in descriptors.indices where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(descriptors[index].fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    descriptors[index].fd = -1
                    continue
                }
                let chunk = buffer[0..<count]
                if index == 0 {
                    self.append(chunk, to: &result.standardOutput, truncated: &result.truncated)
                } else {
                    self.append(chunk, to: &result.standardError, truncated: &result.truncated)
                }
            }
        }
    }

    private func append(_ chunk: ArraySlice<UInt8>, to stream: inout [UInt8], truncated: inout Bool) {
        let room = self.outputLimit - stream.count
        if chunk.count > room { truncated = true }
        // Keep draining past the limit so the child never blocks on a full pipe.
        if room > 0 { stream += chunk.prefix(room) }
    }

    /// A close-on-exec pipe, so children spawned concurrently by other tasks do not hold our write ends
    /// open (which would delay end-of-file here). Glibc's module map hides `pipe2`, hence `fcntl` right after.
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return true
    }

    /// A NULL-terminated `char *[]` for the duration of `body`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
