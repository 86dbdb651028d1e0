import Foundation
import SSHDAuditCore
import SSHDAuditor
import Testing

/// The real-system side: glob(3), the group database and getaddrinfo(3).
@Suite("sshd_config loader on the real system")
struct SSHDConfigLoaderTests {
    @Test("glob(3) under a root returns sorted paths named as sshd would name them")
    func globUnderRoot() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sshd-loader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("etc/ssh/sshd_config.d")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["20-b.conf", "10-a.conf", "notes.txt"] {
            try "Port 22\n".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let environment = SystemSSHDConfigEnvironment(root: root.path)
        #expect(
            try environment.expandGlob("/etc/ssh/sshd_config.d/*.conf") == [
                "/etc/ssh/sshd_config.d/10-a.conf", "/etc/ssh/sshd_config.d/20-b.conf",
            ]
        )
        #expect(try environment.expandGlob("/etc/ssh/nothing/*.conf") == [])
        #expect(try environment.readFile(atPath: "/etc/ssh/sshd_config.d/10-a.conf") == Array("Port 22\n".utf8))
        #expect(throws: SystemSSHDConfigEnvironment.ReadError.self) {
            try environment.readFile(atPath: "/etc/ssh/missing")
        }
    }

    @Test("root is in group root; an unknown user has no groups")
    func groups() {
        let environment = SystemSSHDConfigEnvironment()
        #expect(environment.groupNames(ofUser: "root")?.contains("root") == true)
        #expect(environment.groupNames(ofUser: "no-such-user-\(UUID().uuidString.prefix(8))") == nil)
    }

    @Test("localhost resolves for ListenAddress; an invalid name does not")
    func resolution() {
        let environment = SystemSSHDConfigEnvironment()
        let addresses = environment.resolve(hostName: "localhost", family: .inet) ?? []
        #expect(addresses.map(\.description).contains("127.0.0.1"))
        #expect(environment.resolve(hostName: "host.invalid", family: .any) == nil)
    }

    @Test("a missing main config is an error naming the file")
    func missingFile() {
        let result = SSHDConfigLoader().load(path: "/nonexistent/sshd_config")
        #expect(result.hasErrors)
        #expect(result.diagnostics.first?.file == "/nonexistent/sshd_config")
    }
}
