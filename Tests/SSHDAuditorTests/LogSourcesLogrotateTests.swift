import Foundation
import SSHDAuditCore
import SSHDAuditor
import TestSupport
import Testing

/// `AuthLogFollower` against real `logrotate` runs, one per rotation style Debian and RHEL configure: lines
/// written before a rotation and not yet read are read after it (or, when logrotate compressed them at once,
/// reported lost), nothing is read twice.
@Suite("AuthLogFollower with logrotate")
struct LogSourcesLogrotateTests {
    /// A logrotate style: its directives, and whether the unread tail survives the first rotation readable.
    struct Style: Sendable, CustomTestStringConvertible {
        var name: String
        var directives: [String]
        var tailReadable: Bool

        var testDescription: String { self.name }
    }

    static let styles = [
        Style(name: "rename and create", directives: ["create 0640 root adm"], tailReadable: true),
        Style(name: "copytruncate", directives: ["copytruncate"], tailReadable: true),
        Style(name: "compress and delaycompress", directives: ["compress", "delaycompress"], tailReadable: true),
        Style(name: "compress at once", directives: ["compress"], tailReadable: false),
        Style(name: "dateext", directives: ["dateext", "dateformat -%Y%m%d-%s"], tailReadable: true),
    ]

    static let logrotate = "/usr/sbin/logrotate"

    @Test("each event once across two real rotations", arguments: styles)
    func rotations(style: Style) throws {
        guard
            TestEnvironment.require(
                FileManager.default.isExecutableFile(atPath: Self.logrotate),
                "logrotate is not installed (apt-get install logrotate)"
            )
        else { return }
        let log = try LogDirectory()
        let config = log.path("logrotate.conf")
        let status = log.path("logrotate.status")
        try Data(
            "\(log.logPath) {\n    rotate 5\n    missingok\n\(style.directives.map { "    \($0)\n" }.joined())}\n".utf8
        ).write(to: URL(fileURLWithPath: config))
        func rotate() throws {
            let result = try runCommand(Self.logrotate, ["-f", "-s", status, config], timeout: .seconds(30))
            #expect(result.status == 0, "logrotate: \(result.stderr)")
            // dateext names by the second: two rotations in one second would collide.
            if style.directives.contains("dateext") { Thread.sleep(forTimeInterval: 1.1) }
        }
        func read(_ follower: AuthLogFollower) throws -> [Int?] {
            try follower.readNewEvents(limit: 100).map(\.port)
        }

        try log.append(ports: 1...3)
        let follower = log.follower(start: .start)
        #expect(try read(follower) == [1, 2, 3])
        try log.append(ports: 4...5)
        try rotate()
        try log.append(ports: 6...6)
        let afterFirst = try read(follower)
        let notices = follower.takeNotices().map(\.kind)
        if style.tailReadable {
            #expect(afterFirst == [4, 5, 6])
            #expect(!notices.contains(.linesLost))
        } else {
            #expect(afterFirst == [6])
            #expect(notices.contains(.linesLost))
        }

        // A second rotation while the daemon is down: a new follower resumes from the state file.
        try log.append(ports: 7...8)
        try rotate()
        try log.append(ports: 9...9)
        let restarted = log.follower(start: .start)
        let afterSecond = try read(restarted)
        #expect(afterSecond == (style.tailReadable ? [7, 8, 9] : [9]))
        try log.append(ports: 10...10)
        #expect(try read(restarted) == [10])
    }
}
