import Foundation
import SSHDAuditor
import Testing

@Suite("ExternalCommand")
struct ExternalCommandTests {
    @Test("captures both streams and the exit status, with no shell in between")
    func capturesOutput() throws {
        let result = try ExternalCommand("/bin/sh", ["-c", "printf 'out %s' \"$0\"; printf err >&2; exit 3", "a b"])
            .run()
        #expect(String(decoding: result.standardOutput, as: UTF8.self) == "out a b")
        #expect(result.errorText == "err")
        #expect(result.exitStatus == 3)
        #expect(!result.succeeded)
        #expect(!result.timedOut)
    }

    @Test("passes arguments verbatim: metacharacters are not interpreted")
    func verbatimArguments() throws {
        let result = try ExternalCommand("/bin/echo", ["$HOME", "*", "; true"]).run()
        #expect(String(decoding: result.standardOutput, as: UTF8.self) == "$HOME * ; true\n")
    }

    @Test("the child sees only the safe environment and an empty standard input")
    func environmentAndInput() throws {
        let environment = try ExternalCommand("/usr/bin/env").run()
        let lines = String(decoding: environment.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines == ExternalCommand.safeEnvironment)
        let extra = try ExternalCommand("/usr/bin/env", environment: ["SSHD_AUDITOR_TEST=1"]).run()
        #expect(String(decoding: extra.standardOutput, as: UTF8.self).contains("SSHD_AUDITOR_TEST=1"))
        let input = try ExternalCommand("/bin/cat", timeout: .seconds(5)).run()
        #expect(input.succeeded)
        #expect(input.standardOutput.isEmpty)
    }

    @Test("kills a command that outlives its time limit")
    func timeout() throws {
        let start = ContinuousClock.now
        let result = try ExternalCommand("/bin/sleep", ["30"], timeout: .milliseconds(300)).run()
        #expect(result.timedOut)
        #expect(result.signal == 9)
        #expect(result.exitStatus == nil)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("a timeout also kills what the command started")
    func timeoutKillsGroup() throws {
        let result = try ExternalCommand(
            "/bin/sh",
            ["-c", "/bin/sleep 30 & echo $!; wait"],
            timeout: .milliseconds(500)
        )
        .run()
        #expect(result.timedOut)
        let grandchild = try #require(Int32(String(decoding: result.standardOutput, as: UTF8.self).filter(\.isNumber)))
        // Killed: gone, or a zombie waiting for init to reap it; never still sleeping.
        let deadline = ContinuousClock.now + .seconds(5)
        var state = "?"
        repeat {
            let stat = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8)) ?? ""
            state = stat.split(separator: ")").last?.split(separator: " ").first.map(String.init) ?? "gone"
            if state == "gone" || state == "Z" { break }
            Thread.sleep(forTimeInterval: 0.05)
        } while ContinuousClock.now < deadline
        #expect(state == "gone" || state == "Z", "sleep \(grandchild) is in state \(state)")
    }

    @Test("keeps at most the output limit and still lets the command finish")
    func outputLimit() throws {
        let result = try ExternalCommand("/usr/bin/head", ["-c", "1000000", "/dev/zero"], outputLimit: 1000).run()
        #expect(result.standardOutput.count == 1000)
        #expect(result.truncated)
        #expect(result.succeeded)
    }

    @Test("a missing program is 'not installed', a non-executable one is 'permission denied'")
    func spawnFailures() throws {
        #expect(throws: ExternalCommand.Failure.notInstalled("/nonexistent/nft")) {
            try ExternalCommand("/nonexistent/nft").run()
        }
        let directory = try #require(mkdtemp(strdup(NSTemporaryDirectory() + "/external-command-XXXXXX"))).asString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = directory + "/not-executable"
        try "#!/bin/sh\n".write(toFile: plain, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: plain)
        #expect(throws: ExternalCommand.Failure.permissionDenied(plain)) {
            try ExternalCommand(plain).run()
        }
        #expect(ExternalCommand.locate("sh") != nil)
        #expect(ExternalCommand.locate("no-such-tool-here") == nil)
    }
}

extension UnsafeMutablePointer<CChar> {
    /// The C string as a Swift string, freeing the `strdup`/`mkdtemp` buffer.
    fileprivate var asString: String {
        defer { free(self) }
        return String(cString: self)
    }
}
