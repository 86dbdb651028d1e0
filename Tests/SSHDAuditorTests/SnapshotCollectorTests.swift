import Foundation
import SSHDAuditCore
import SSHDAuditor
import Testing

@Suite("SnapshotCollector")
struct SnapshotCollectorTests {
    /// A stand-in for sshd that counts its runs: the real one cannot be counted from outside, and what is
    /// under test is whether the collector runs it at all.
    private func fixture() throws -> (directory: URL, configuration: AuditorConfiguration, counter: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("collector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let counter = directory.appendingPathComponent("runs")
        let sshd = directory.appendingPathComponent("sshd")
        try "#!/bin/sh\necho run >> \(counter.path)\nexit 0\n".write(to: sshd, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: sshd.path)
        let config = directory.appendingPathComponent("sshd_config")
        try "Port 2222\nInclude \(directory.path)/conf.d/*.conf\n".write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("conf.d"),
            withIntermediateDirectories: true
        )
        var configuration = AuditorConfiguration.default
        configuration.sshdBinary = sshd.path
        configuration.sshdConfigPath = config.path
        return (directory, configuration, counter)
    }

    @Test("a configuration edited while sshd -t runs: its verdict is not reused once the files read as before")
    func editDuringConfigTest() throws {
        let (directory, configuration, counter) = try self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        // An sshd that, on its first run, finds a typo someone saved a moment after the collector read the files,
        // and rejects it; later runs judge whatever is there.
        let typo = directory.appendingPathComponent("conf.d/typo.conf").path
        let mark = directory.appendingPathComponent("edited").path
        try """
        #!/bin/sh
        echo run >> \(counter.path)
        [ -e \(mark) ] || { : > \(mark); echo 'PermitRootLogin maybe-later' > \(typo); }
        [ -e \(typo) ] && { echo 'unsupported option "maybe-later"' >&2; exit 255; }
        exit 0

        """.write(toFile: configuration.sshdBinary, atomically: false, encoding: .utf8)
        let collector = SnapshotCollector(configuration: configuration)
        let time = Duration.seconds(1_000_000)

        let first = collector.collect(time: time, service: nil, socket: nil, logWindow: nil)
        #expect(first.snapshot.configTest?.passed == false)
        #expect(first.configTestMemo == nil, "the files changed under sshd -t: nothing to reuse")

        // Fixed again at once: the files read exactly as the first collection fingerprinted them.
        try FileManager.default.removeItem(atPath: typo)
        let second = collector.collect(
            time: time + .seconds(5),
            service: nil,
            socket: nil,
            logWindow: nil,
            previousConfigTest: first.configTestMemo
        )
        #expect(self.runs(counter) == 2, "asked again")
        #expect(second.snapshot.configTest?.passed == true)
        #expect(second.configTestMemo != nil)
    }

    private func runs(_ counter: URL) -> Int {
        ((try? String(contentsOf: counter, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test("runs sshd -t again only when the configuration, an included file or the binary changed")
    func reusesConfigTestVerdict() throws {
        let (directory, configuration, counter) = try self.fixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let collector = SnapshotCollector(configuration: configuration)
        let time = Duration.seconds(1_000_000)

        let first = collector.collect(
            time: time,
            service: nil,
            socket: nil,
            logWindow: LogWindow(configuration: .default)
        )
        #expect(self.runs(counter) == 1)
        #expect(first.snapshot.configTest?.passed == true)

        let second = collector.collect(
            time: time + .seconds(5),
            service: nil,
            socket: nil,
            logWindow: LogWindow(configuration: .default),
            previousConfigTest: first.configTestMemo
        )
        #expect(self.runs(counter) == 1, "nothing changed: the verdict is reused")
        #expect(second.snapshot.configTest == first.snapshot.configTest)

        // A new file matched by the Include glob is an edit sshd -t must judge.
        try "MaxStartups 3:50:9\n".write(
            to: directory.appendingPathComponent("conf.d/extra.conf"),
            atomically: true,
            encoding: .utf8
        )
        let third = collector.collect(
            time: time + .seconds(10),
            service: nil,
            socket: nil,
            logWindow: LogWindow(configuration: .default),
            previousConfigTest: second.configTestMemo
        )
        #expect(self.runs(counter) == 2)

        // Past the maximum age the verdict is asked again even when nothing changed.
        _ = collector.collect(
            time: time + .seconds(10) + SnapshotCollector.configTestMaximumAge,
            service: nil,
            socket: nil,
            logWindow: LogWindow(configuration: .default),
            previousConfigTest: third.configTestMemo
        )
        #expect(self.runs(counter) == 3)
    }
}
