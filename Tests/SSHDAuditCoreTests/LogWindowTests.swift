import Testing

@testable import SSHDAuditCore

/// `LogWindow` keeps counts instead of events: the checks must answer as they did from the events, and the
/// memory must stay within the stated bound whatever the log holds.
@Suite("LogWindow: counts instead of events, bounded")
struct LogWindowTests {
    private static let now = Duration.seconds(1_800_000_000)

    private static func failure(_ address: String, _ kind: SSHDLogEventKind = .failedPassword) -> SSHDLogEvent {
        SSHDLogEvent(kind: kind, user: "root", address: address, port: 40000)
    }

    /// A seeded stream of every kind the checks read (and some they do not), stamped at whole seconds over the
    /// last `seconds` before `now`, in log order.
    private static func randomLog(seed: UInt64, count: Int, seconds: Int) -> [TimedLogEvent] {
        var generator = SplitMix64(seed: seed)
        let addresses = (0..<40).map { "192.0.2.\($0)" } + (0..<10).map { "2001:db8::\($0)" }
        let paths = ["/home/alice/.ssh/authorized_keys", "/home/bob", "/home/carol/.ssh"]
        var times = (0..<count).map { _ in Int(generator.next() % UInt64(seconds + 30)) }
        times.sort(by: >)
        return times.map { secondsAgo in
            let roll = generator.next() % 100
            var event: SSHDLogEvent
            switch roll {
            case 0..<60:
                let kinds: [SSHDLogEventKind] = [.failedPassword, .failedPublickey, .failedOther, .invalidUser]
                event = Self.failure(
                    addresses[Int(generator.next() % UInt64(addresses.count))],
                    kinds[Int(generator.next() % 4)]
                )
            case 60..<70:
                event = SSHDLogEvent(kind: .accepted, address: "192.0.2.1")
            case 70..<78:
                event = SSHDLogEvent(kind: roll % 2 == 0 ? .badModesFile : .badModesDirectory)
                event.path = paths[Int(generator.next() % 3)]
            case 78..<86:
                event = SSHDLogEvent(kind: roll % 2 == 0 ? .dropConnection : .dropRateLimited)
                event.dropReason = roll % 3 == 0 ? "PerSourcePenalties" : "MaxStartups"
                if event.kind == .dropRateLimited { event.count = Int(generator.next() % 50) }
            case 86..<90:
                event = SSHDLogEvent(kind: .bindFailed, listenerAddress: "::", listenerPort: Int(roll), detail: "busy")
            case 90..<93:
                event = SSHDLogEvent(kind: .missingPrivilegeSeparationDirectory, path: "/run/sshd\(roll)")
            case 93..<96:
                event = SSHDLogEvent(kind: roll % 2 == 0 ? .maxStartupsBegin : .maxStartupsThrottling)
            case 96..<98:
                event = SSHDLogEvent(kind: .noHostKeys)
            default:
                event = SSHDLogEvent(kind: .failedPassword, user: "x")  // no address: not counted
            }
            return TimedLogEvent(time: Self.now - .seconds(secondsAgo), event: event)
        }
    }

    /// The log-based checks, by hand from the events: what they answered when the snapshot held the events.
    private static func reference(_ snapshot: AuditSnapshot, _ events: [TimedLogEvent]) -> [String] {
        func within(_ window: Duration) -> [SSHDLogEvent] {
            events.filter { $0.time >= snapshot.time - window }.map(\.event)
        }
        let log = within(snapshot.configuration.logWindow)
        var failures: [String: Int] = [:]
        for event in within(snapshot.configuration.authFailureBurstWindow)
        where LogWindow.failureKinds.contains(event.kind) {
            if let address = event.address { failures[address, default: 0] += 1 }
        }
        var refusals: [String: Int] = [:]
        for event in log where [.badModesFile, .badModesDirectory].contains(event.kind) {
            refusals[event.path ?? "?", default: 0] += 1
        }
        let drops = log.filter { [.dropConnection, .dropRateLimited].contains($0.kind) }
            .filter { $0.dropReason == "MaxStartups" }
            .reduce(0) { $0 + ($1.kind == .dropRateLimited ? ($1.count ?? 1) : 1) }
        let last = { (kinds: Set<SSHDLogEventKind>) in log.last { kinds.contains($0.kind) }.map { "\($0)" } ?? "-" }
        return [
            "failures \(failures.sorted { $0.key < $1.key })",
            "refusals \(refusals.sorted { $0.key < $1.key })",
            "drops \(drops)",
            "bind \(last([.bindFailed]))",
            "privsep \(last([.missingPrivilegeSeparationDirectory]))",
            "throttling \(last([.maxStartupsBegin, .maxStartupsThrottling]))",
            "hostkeys \(last([.noHostKeys]))",
        ]
    }

    private static func answers(_ snapshot: AuditSnapshot) -> [String] {
        let log = snapshot.logWindow!
        let failures = log.authFailures(since: snapshot.time - snapshot.configuration.authFailureBurstWindow)
        let refusals = log.strictModesRefusals(since: snapshot.time - snapshot.configuration.logWindow)
        let last = { (kinds: Set<SSHDLogEventKind>) in
            snapshot.lastLogEvent(kinds, within: snapshot.configuration.logWindow).map { "\($0)" } ?? "-"
        }
        return [
            "failures \(failures.bySource.sorted { $0.key < $1.key })",
            "refusals \(refusals.byPath.sorted { $0.key < $1.key })",
            "drops \(log.maxStartupsDrops(since: snapshot.time - snapshot.configuration.logWindow))",
            "bind \(last([.bindFailed]))",
            "privsep \(last([.missingPrivilegeSeparationDirectory]))",
            "throttling \(last([.maxStartupsBegin, .maxStartupsThrottling]))",
            "hostkeys \(last([.noHostKeys]))",
        ]
    }

    @Test(
        "for whole-second stamps, the window answers as the events did: counts, totals, last events, findings",
        arguments: [(UInt64(1), 60, 60), (2, 30, 90), (3, 600, 60), (4, 1, 1), (5, 7200, 45)]
    )
    func sameAnswersAsEvents(seed: UInt64, failureSeconds: Int, logSeconds: Int) {
        var snapshot = AuditSnapshot(time: Self.now)
        snapshot.configuration.authFailureBurstWindow = .seconds(failureSeconds)
        snapshot.configuration.authFailureBurstThreshold = 3
        snapshot.configuration.logWindow = .seconds(logSeconds)
        // Long windows have longer buckets: only their whole buckets are compared, so the stamps sit on them.
        let bucket = max(1, (max(failureSeconds, logSeconds) + 119) / 120)
        let events = Self.randomLog(seed: seed, count: 3000, seconds: max(failureSeconds, logSeconds))
            .map { TimedLogEvent(time: $0.time - .seconds(Int($0.time.components.seconds) % bucket), event: $0.event) }
        snapshot.logWindow = LogWindow(events, now: Self.now, configuration: snapshot.configuration)
        #expect(Self.answers(snapshot) == Self.reference(snapshot, events))

        // And so do the checks, recorded the daemon's way: second by second as the log is read.
        var daemon = LogWindow(configuration: snapshot.configuration)
        var pending = events[...]
        for second in stride(from: 3 * 3600, through: 0, by: -1) {
            let time = Self.now - .seconds(second)
            daemon.advance(to: time)
            while let next = pending.first, next.time <= time {
                daemon.record(next.event, at: next.time)
                pending = pending.dropFirst()
            }
        }
        var stepped = snapshot
        stepped.logWindow = daemon
        #expect(Self.answers(stepped) == Self.answers(snapshot))
        for check in HealthChecks.all {
            #expect(check.evaluate(stepped) == check.evaluate(snapshot), "\(type(of: check).id)")
        }
    }

    @Test("the window's edge: exact for whole-second stamps; a window starting mid-second leaves that second out")
    func windowEdge() {
        var window = LogWindow(failureWindow: .seconds(60), logWindow: .seconds(60))
        window.advance(to: Self.now)
        window.record(Self.failure("192.0.2.1"), at: Self.now - .seconds(61))
        window.record(Self.failure("192.0.2.2"), at: Self.now - .seconds(60))
        window.record(Self.failure("192.0.2.3"), at: Self.now - .milliseconds(59_200))
        window.record(Self.failure("192.0.2.4"), at: Self.now - .seconds(59))
        #expect(
            window.authFailures(since: Self.now - .seconds(60)).bySource
                == ["192.0.2.2": 1, "192.0.2.3": 1, "192.0.2.4": 1]
        )
        // Half a second later the window starts at -59.5 s: the second from -60 s (holding 192.0.2.3, stamped
        // inside the window) is left out whole; the next one is in.
        let later = Self.now + .milliseconds(500)
        window.advance(to: later)
        #expect(window.authFailures(since: later - .seconds(60)).bySource == ["192.0.2.4": 1])
        // An event stamped in the future counts at the window's end, and leaves it a window later.
        window.record(Self.failure("192.0.2.5"), at: later + .seconds(3600))
        #expect(window.authFailures(since: later - .seconds(1)).bySource == ["192.0.2.5": 1])
        window.advance(to: later + .seconds(61))
        #expect(window.authFailures(since: later).bySource.isEmpty)
    }

    @Test("more source addresses than it holds: the first ones are counted each, the rest as others, totals exact")
    func sourceBound() {
        var snapshot = AuditSnapshot(time: Self.now)
        snapshot.configuration.authFailureBurstThreshold = 2
        var window = LogWindow(configuration: snapshot.configuration)
        window.advance(to: Self.now)
        let sources = LogWindow.maximumSources + 500
        for round in 0..<2 {
            for index in 0..<sources {
                let address = "2001:db8:\(index / 65536):\(index % 65536)::\(round)"
                window.record(Self.failure(address), at: Self.now - .seconds(index % 50))
                window.record(Self.failure(address), at: Self.now - .seconds(index % 50))
            }
        }
        #expect(window.sourceCount == LogWindow.maximumSources)
        let counts = window.authFailures(since: Self.now - .seconds(60))
        #expect(counts.bySource.count == LogWindow.maximumSources)
        #expect(counts.bySource.values.reduce(counts.otherSources, +) == 4 * sources)
        snapshot.logWindow = window
        let findings = AuthFailureBurstCheck().evaluate(snapshot)
        #expect(findings.count == LogWindow.maximumSources)
        #expect(findings.allSatisfy { $0.severity == .warning && $0.fields[FindingField.failures] == "2" })
        #expect(window.storageBytes <= LogWindow.maximumBytes(failureWindow: .seconds(60), logWindow: .seconds(60)))

        // The window moves past them: rows are given back, and with nothing left the storage is released.
        window.advance(to: Self.now + .seconds(61))
        #expect(window.sourceCount == 0)
        #expect(window.authFailures(since: Self.now).otherSources == 0)
        #expect(window.storageBytes == 0)
    }

    @Test("more paths than it holds: the rest are reported together as '(other paths)', with their count")
    func pathBound() throws {
        var snapshot = AuditSnapshot(time: Self.now)
        var window = LogWindow(configuration: snapshot.configuration)
        window.advance(to: Self.now)
        for index in 0..<(LogWindow.maximumPaths + 3) {
            let path = "/home/u\(index)/.ssh/authorized_keys"
            window.record(SSHDLogEvent(kind: .badModesFile, path: path), at: Self.now - .seconds(1))
        }
        // A forged line's path far over sshd's 1 KiB: counted under its first KiB.
        let long = "/" + String(repeating: "p", count: 5000)
        window.record(SSHDLogEvent(kind: .badModesDirectory, path: long), at: Self.now)
        snapshot.logWindow = window
        let findings = KeyPermissionsCheck().evaluate(snapshot)
        #expect(findings.count == LogWindow.maximumPaths + 1)
        let others = try #require(findings.last)
        #expect(others.subject == KeyPermissionsCheck.otherPaths)
        #expect(others.summary.contains("refused keys 4 times"))
        #expect(findings.allSatisfy { $0.subject.utf8.count <= SSHDLogEvent.maximumTextBytes })
    }

    @Test("a count saturates at 65,535 failures of one address in one second; drop counts do not")
    func saturation() {
        var window = LogWindow(failureWindow: .seconds(60), logWindow: .seconds(60))
        window.advance(to: Self.now)
        for _ in 0..<70_000 { window.record(Self.failure("192.0.2.1"), at: Self.now) }
        window.record(Self.failure("192.0.2.1"), at: Self.now - .seconds(1))
        #expect(window.authFailures(since: Self.now - .seconds(60)).bySource == ["192.0.2.1": 65_536])
        var drop = SSHDLogEvent(kind: .dropRateLimited, count: 5_000_000)
        drop.dropReason = "MaxStartups"
        window.record(drop, at: Self.now)
        window.record(drop, at: Self.now)
        #expect(window.maxStartupsDrops(since: Self.now - .seconds(60)) == 10_000_000)
    }

    @Test("rare kinds: the last few of each are kept with their text, cut to 1 KiB, the last one answers")
    func rareEvents() throws {
        var window = LogWindow(failureWindow: .seconds(60), logWindow: .seconds(60))
        window.advance(to: Self.now)
        for port in 1...50 {
            let detail = String(repeating: "x", count: 3000)
            window.record(
                SSHDLogEvent(kind: .bindFailed, listenerAddress: "::", listenerPort: port, detail: detail),
                at: Self.now - .seconds(55 - port)
            )
            window.record(SSHDLogEvent(kind: .noHostKeys), at: Self.now - .seconds(55 - port))
        }
        let last = try #require(window.lastEvent([.bindFailed], since: Self.now - .seconds(60)))
        #expect(last.listenerPort == 50)
        #expect(last.detail.map { $0.utf8.count <= SSHDLogEvent.maximumTextBytes } == true)
        #expect(window.lastEvent([.noHostKeys], since: Self.now - .seconds(60)) != nil)
        #expect(window.lastEvent([.bindFailed], since: Self.now + .seconds(10)) == nil)
        #expect(window.storageBytes <= LogWindow.maximumBytes(failureWindow: .seconds(60), logWindow: .seconds(60)))
        // The window's end moves on: they are forgotten.
        window.advance(to: Self.now + .seconds(120))
        #expect(window.lastEvent([.bindFailed, .noHostKeys], since: .zero) == nil)
    }

    @Test("a reload with other windows keeps the counts that still fall inside them")
    func reloadKeepsCounts() {
        var window = LogWindow(failureWindow: .seconds(60), logWindow: .seconds(60))
        window.advance(to: Self.now)
        for secondsAgo in [1, 10, 50] {
            window.record(Self.failure("192.0.2.9"), at: Self.now - .seconds(secondsAgo))
            window.record(SSHDLogEvent(kind: .badModesFile, path: "/home/a"), at: Self.now - .seconds(secondsAgo))
        }
        window.setWindows(failureWindow: .seconds(30), logWindow: .seconds(600))
        #expect(window.authFailures(since: Self.now - .seconds(30)).bySource == ["192.0.2.9": 2])
        #expect(window.strictModesRefusals(since: Self.now - .seconds(600)).byPath == ["/home/a": 3])
        window.setWindows(failureWindow: .seconds(60), logWindow: .seconds(60))
        #expect(window.authFailures(since: Self.now - .seconds(60)).bySource == ["192.0.2.9": 2])
    }

    @Test("the stated bound: 2.0 MiB at the default windows, and a window filled to every limit stays within it")
    func byteBound() {
        let bound = LogWindow.maximumBytes(failureWindow: .seconds(60), logWindow: .seconds(60))
        print("LogWindow.maximumBytes at the default 1-minute windows: \(bound) bytes")
        #expect(bound <= 2_148_160)  // as the type's comment says
        // Past two minutes buckets grow longer instead of more numerous: a day costs what two hours do.
        let day = LogWindow.maximumBytes(failureWindow: .seconds(86_400), logWindow: .seconds(86_400))
        #expect(day == LogWindow.maximumBytes(failureWindow: .seconds(7_200), logWindow: .seconds(7_200)))
        #expect(day <= 3_147_520)

        // A window filled to every limit: the longest addresses, 1 KiB paths, rare events with 1 KiB of text, in
        // every second of the window. Its arrays' capacities and keys, counted as the type's comment lays them out,
        // stay within the bound (the daemon's RSS under a flood is measured by bench/daemon.sh).
        var window = LogWindow(failureWindow: .seconds(60), logWindow: .seconds(60))
        for second in 0...60 {
            let time = Self.now - .seconds(60 - second)
            window.advance(to: time)
            for index in 0..<LogWindow.maximumSources {
                let address = "0000:0000:0000:0000:0000:ffff:\(index / 256).\(index % 256).255.255"
                window.record(Self.failure(address), at: time)
            }
            for index in 0..<LogWindow.maximumPaths {
                let path = "/home/\(index)/" + String(repeating: "k", count: 1024)
                window.record(SSHDLogEvent(kind: .badModesFile, path: path), at: time)
            }
            for kind in LogWindow.rareKinds {
                var event = SSHDLogEvent(kind: kind, host: String(repeating: "h", count: 300))
                event.detail = String(repeating: "d", count: 2000)
                window.record(event, at: time)
            }
            var drop = SSHDLogEvent(kind: .dropRateLimited, count: 1_000_000)
            drop.dropReason = "MaxStartups"
            window.record(drop, at: time)
        }
        print("LogWindow filled to every limit holds \(window.storageBytes) bytes")
        #expect(window.sourceCount == LogWindow.maximumSources)
        #expect(window.maxStartupsDrops(since: Self.now - .seconds(60)) == 61_000_000)
        #expect(window.storageBytes <= bound)
    }
}
