import Glibc
import Logging
import Systemd

/// A test-only program that exercises the `Systemd` module inside the real-systemd sandbox, where journald's
/// socket (a fixed path) and `NOTIFY_SOCKET` (set by a `Type=notify` unit) are real. Tests install it, built
/// with `--static-swift-stdlib` so it needs only libc and libsystemd0 there, and run it through `nsenter`.
///
///     SystemdProbe journal TAG      writes two entries with custom fields, one through JournalLogHandler
///     SystemdProbe notify-service   a Type=notify service: READY, STATUS, WATCHDOG at half the interval
@main
struct SystemdProbe {
    static func main() {
        let arguments = CommandLine.arguments
        do {
            switch arguments.dropFirst().first {
            case "journal" where arguments.count == 3:
                try writeJournal(tag: arguments[2])
            case "notify-service":
                try notifyService()
            default:
                fail("usage: SystemdProbe journal TAG | notify-service")
            }
        } catch {
            fail("\(error)")
        }
    }

    /// Writes one entry with JournalWriter and one through a swift-log Logger, both tagged `tag`, and prints
    /// where each went (`journal` or `fallback`).
    static func writeJournal(tag: String) throws {
        let writer = JournalWriter()
        let destination = try writer.send([
            (.message, "probe entry \(tag)"),
            (.priority, "\(SyslogPriority.warning.rawValue)"),
            (.syslogIdentifier, "systemd-probe"),
            (JournalField("PROBE_TAG")!, tag),
            (JournalField("PROBE_MULTILINE")!, "first line\nsecond line"),
        ])
        print("writer: \(destination)")

        var handler = JournalLogHandler(label: "probe.logger", identifier: "systemd-probe")
        handler.logLevel = .debug
        let logger = Logger(label: "probe.logger") { _ in handler }
        logger.error("probe log \(tag)", metadata: ["probe.run": "\(tag)", "peer-address": "192.0.2.7"])
        print("logger: \(writer.isJournalAvailable ? "journal" : "fallback")")
    }

    /// Runs as a `Type=notify` service: sends READY=1 with a STATUS naming the watchdog interval, then
    /// WATCHDOG=1 every half interval until SIGTERM, and STOPPING=1 on the way out.
    static func notifyService() throws {
        let notifier = Notifier()
        let interval = try notifier.watchdogInterval()
        let status = interval.map { "watchdog every \($0)" } ?? "no watchdog"
        guard try notifier.notify(.ready, .status(status)) else {
            fail("not under systemd: NOTIFY_SOCKET is not set")
        }
        signal(SIGTERM, SIG_IGN)
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGTERM)
        sigprocmask(SIG_BLOCK, &mask, nil)
        let period = (interval ?? .seconds(10)) / 2
        var timeout = timespec(
            tv_sec: Int(period.components.seconds),
            tv_nsec: Int(period.components.attoseconds / 1_000_000_000)
        )
        // sigtimedwait doubles as the keep-alive timer: a timeout means "send WATCHDOG=1", SIGTERM means stop.
        while sigtimedwait(&mask, nil, &timeout) < 0 {
            try notifier.notify(.watchdog)
        }
        try notifier.notify(.stopping)
    }

    static func fail(_ message: String) -> Never {
        let line = Array("SystemdProbe: \(message)\n".utf8)
        // The exit status carries the failure; a short write to stderr has no better fallback.
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}
