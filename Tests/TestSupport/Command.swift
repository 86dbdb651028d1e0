import Foundation

#if canImport(Glibc)
import Glibc
#endif

// Why a private declaration: Glibc's module map hides pipe2(2) (it needs _GNU_SOURCE), and plain pipe(2)
// followed by fcntl(FD_CLOEXEC) leaves a window in which a child spawned by a concurrent test inherits the
// write end, which then never reaches end-of-file.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable {
    /// The exit status, or 128 + signal when it was killed by a signal.
    public var status: Int32
    /// Everything it wrote to standard output.
    public var stdout: String
    /// Everything it wrote to standard error.
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// An external command that did not finish in time, or could not be started.
public struct CommandError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Runs `executable` with a fixed argument vector (never through a shell), feeding `input` on standard
/// input, and kills it (SIGKILL, after SIGTERM and a grace period) if it runs longer than `timeout`: a test
/// must never hang on a child process.
///
/// Why posix_spawn and not Foundation's `Process`: on Linux, `Process` learns that a child exited when the
/// child closes a descriptor it inherited, and one monitor thread then blocks in `waitpid` on it. Daemons
/// such as sshd close every inherited descriptor at start-up, so one running sshd stalls the monitor and
/// every later `Process` in the test run hangs. Here each call owns its child and reaps it itself.
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    input: String? = nil,
    environment: [String: String]? = nil,
    timeout: Duration = .seconds(60)
) throws -> CommandResult {
    var stdinPipe: [Int32] = [-1, -1]
    var stdoutPipe: [Int32] = [-1, -1]
    var stderrPipe: [Int32] = [-1, -1]
    guard systemPipe2(&stdinPipe, O_CLOEXEC) == 0, systemPipe2(&stdoutPipe, O_CLOEXEC) == 0,
        systemPipe2(&stderrPipe, O_CLOEXEC) == 0
    else {
        throw CommandError("cannot create pipes for \(executable): errno \(errno)")
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)

    // The child gets its own process group, so a timeout kills whatever it started as well.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawnattr_setpgroup(&attributes, 0)
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaultSignals = sigset_t()
    sigfillset(&defaultSignals)
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals)

    var mergedEnvironment = ProcessInfo.processInfo.environment
    for (key, value) in environment ?? [:] { mergedEnvironment[key] = value }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = mergedEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }

    var pid: pid_t = 0
    let spawnResult = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    close(stdinPipe[0])
    close(stdoutPipe[1])
    close(stderrPipe[1])
    guard spawnResult == 0 else {
        close(stdinPipe[1])
        close(stdoutPipe[0])
        close(stderrPipe[0])
        throw CommandError("cannot start \(executable): \(String(cString: strerror(spawnResult)))")
    }

    // Standard input is written whole before reading: inputs in tests are small, well under a pipe buffer.
    if let input {
        var bytes = Array(input.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                write(stdinPipe[1], $0.baseAddress! + offset, $0.count - offset)
            }
            if written <= 0 { break }
            offset += written
        }
    }
    close(stdinPipe[1])

    var out: [UInt8] = []
    var err: [UInt8] = []
    var open: [Int32: Bool] = [stdoutPipe[0]: true, stderrPipe[0]: true]
    let deadline = ContinuousClock.now + timeout
    var timedOut = false
    var buffer = [UInt8](repeating: 0, count: 65536)
    while open.values.contains(true) {
        let remaining = deadline - ContinuousClock.now
        if remaining <= .zero {
            timedOut = true
            break
        }
        var fds = open.filter(\.value).map { pollfd(fd: $0.key, events: Int16(POLLIN), revents: 0) }
        let millis = Int32(min(remaining.components.seconds * 1000 + 1, 1000))
        let ready = poll(&fds, nfds_t(fds.count), millis)
        if ready < 0 && errno != EINTR { break }
        for entry in fds where entry.revents != 0 {
            let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress!, $0.count) }
            if count > 0 {
                if entry.fd == stdoutPipe[0] {
                    out.append(contentsOf: buffer[0..<count])
                } else {
                    err.append(contentsOf: buffer[0..<count])
                }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                open[entry.fd] = false
            }
        }
    }
    close(stdoutPipe[0])
    close(stderrPipe[0])

    if timedOut {
        kill(-pid, SIGTERM)
        for _ in 0..<50 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw CommandError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        throw CommandError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
    }

    // Output closed: the child has exited or closed its ends; wait for it, still bounded by the deadline.
    var status: Int32 = 0
    while true {
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid { break }
        if reaped < 0 && errno != EINTR { break }
        if ContinuousClock.now > deadline {
            kill(-pid, SIGKILL)
            waitpid(pid, &status, 0)
            throw CommandError("\(executable) \(arguments.joined(separator: " ")) did not exit within \(timeout)")
        }
        usleep(2_000)
    }
    let exitStatus: Int32
    if status & 0x7f == 0 {
        exitStatus = (status >> 8) & 0xff
    } else {
        exitStatus = 128 + (status & 0x7f)
    }
    return CommandResult(
        status: exitStatus,
        stdout: String(decoding: out, as: UTF8.self),
        stderr: String(decoding: err, as: UTF8.self)
    )
}
