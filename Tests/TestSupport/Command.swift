import Foundation

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable {
    /// The exit status, or 128 + signal when it was killed.
    public var status: Int32
    /// Everything it wrote to standard output.
    public var stdout: String
    /// Everything it wrote to standard error.
    public var stderr: String
}

/// An external command that did not finish in time, or could not be started.
public struct CommandError: Error, CustomStringConvertible {
    public var description: String
}

/// Runs `executable` with a fixed argument vector (never through a shell), feeding `input` on standard
/// input, and kills it if it runs longer than `timeout`: a test must never hang on a child process.
public func runCommand(
    _ executable: String,
    _ arguments: [String],
    input: String? = nil,
    environment: [String: String]? = nil,
    timeout: Duration = .seconds(60)
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let stdoutPipe = Pipe()
    let stderrPipe = Pipe()
    let stdinPipe = Pipe()
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe
    process.standardInput = stdinPipe

    // Drain both pipes concurrently so a chatty child cannot block on a full pipe buffer.
    let collected = CollectedOutput()
    let group = DispatchGroup()
    for (pipe, isStdout) in [(stdoutPipe, true), (stderrPipe, false)] {
        group.enter()
        DispatchQueue.global().async {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            collected.store(data, stdout: isStdout)
            group.leave()
        }
    }

    do {
        try process.run()
    } catch {
        throw CommandError(description: "cannot start \(executable): \(error)")
    }
    if let input {
        stdinPipe.fileHandleForWriting.write(Data(input.utf8))
    }
    try? stdinPipe.fileHandleForWriting.close()

    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now > deadline {
            process.terminate()
            Thread.sleep(forTimeInterval: 0.5)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            group.wait()
            throw CommandError(
                description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)"
            )
        }
        Thread.sleep(forTimeInterval: 0.01)
    }
    process.waitUntilExit()
    group.wait()
    let status =
        process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return CommandResult(status: status, stdout: collected.stdout, stderr: collected.stderr)
}

/// Output gathered from two reader threads; a lock guards it.
private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func store(_ data: Data, stdout: Bool) {
        self.lock.lock()
        defer { self.lock.unlock() }
        if stdout { self.out = data } else { self.err = data }
    }

    var stdout: String {
        self.lock.lock()
        defer { self.lock.unlock() }
        return String(decoding: self.out, as: UTF8.self)
    }

    var stderr: String {
        self.lock.lock()
        defer { self.lock.unlock() }
        return String(decoding: self.err, as: UTF8.self)
    }
}
