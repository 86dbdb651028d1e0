import TestSupport
import Testing

@Suite("runCommand")
struct RunCommandTests {
    @Test("captures standard output, standard error and the exit status")
    func capturesOutput() throws {
        let result = try runCommand("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
    }

    @Test("feeds standard input")
    func feedsInput() throws {
        let result = try runCommand("/bin/cat", [], input: "hello\n")
        #expect(result.stdout == "hello\n")
        #expect(result.status == 0)
    }

    @Test("kills a command that outlives its timeout")
    func killsOnTimeout() throws {
        let start = ContinuousClock.now
        #expect(throws: CommandError.self) {
            try runCommand("/bin/sleep", ["30"], timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("reports a signal as 128 + signal number")
    func reportsSignal() throws {
        let result = try runCommand("/bin/sh", ["-c", "kill -9 $$"])
        #expect(result.status == 137)
    }
}
