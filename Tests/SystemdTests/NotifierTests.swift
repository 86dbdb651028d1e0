import Foundation
import Systemd
import TestSupport
import Testing

extension SandboxedTests {
    /// `Notifier` against a real datagram socket, and inside the sandbox against systemd itself.
    /// Serialized: the tests set NOTIFY_SOCKET and WATCHDOG_* for the whole process.
    @Suite("Notifier")
    struct NotifierTests {
        @Test("sends READY=1 and STATUS in one datagram to NOTIFY_SOCKET")
        func sendsToSocket() throws {
            let socket = try NotifySocket()
            defer { socket.close() }
            setenv("NOTIFY_SOCKET", socket.path, 1)
            defer { unsetenv("NOTIFY_SOCKET") }

            let notifier = Notifier()
            #expect(notifier.isUnderSystemd)
            #expect(try notifier.notify(.ready, .status("auditing\nevery 30s")))
            #expect(try socket.receive() == "READY=1\nSTATUS=auditing every 30s")
            #expect(try notifier.notify(.watchdog))
            #expect(try socket.receive() == "WATCHDOG=1")
            #expect(try notifier.notify([.reloading]))
            #expect(try socket.receive() == "RELOADING=1")
            #expect(try notifier.notify(.stopping, .mainPID(42)))
            #expect(try socket.receive() == "STOPPING=1\nMAINPID=42")
        }

        @Test("is a no-op that says so when NOTIFY_SOCKET is unset")
        func noOpOutsideSystemd() throws {
            unsetenv("NOTIFY_SOCKET")
            let notifier = Notifier()
            #expect(!notifier.isUnderSystemd)
            #expect(try notifier.notify(.ready) == false)
        }

        @Test("fails naming sd_notify when the socket does not exist")
        func failsOnMissingSocket() throws {
            setenv("NOTIFY_SOCKET", "/nonexistent/notify-\(UUID().uuidString)", 1)
            defer { unsetenv("NOTIFY_SOCKET") }
            let error = try #require(throws: SystemdError.self) { try Notifier().notify(.ready) }
            #expect(error.operation == "sd_notify")
        }

        @Test("reads the watchdog interval meant for this process")
        func watchdogInterval() throws {
            setenv("WATCHDOG_USEC", "2500000", 1)
            setenv("WATCHDOG_PID", "\(getpid())", 1)
            defer {
                unsetenv("WATCHDOG_USEC")
                unsetenv("WATCHDOG_PID")
            }
            #expect(try Notifier().watchdogInterval() == .milliseconds(2500))

            // A watchdog meant for another process (a parent that exec'd us) is not ours.
            setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
            #expect(try Notifier().watchdogInterval() == nil)
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
            #expect(try Notifier().watchdogInterval() == nil)
        }

        @Test("a Type=notify unit with WatchdogSec=2s becomes active, shows its STATUS, and survives the watchdog")
        func typeNotifyUnitInSandbox() throws {
            guard let sandbox = try bootSandboxForTest() else { return }
            defer { try? sandbox.powerOff() }
            try sandbox.install(try SystemdProbeBinary.path(), at: "/usr/local/bin/systemd-probe")
            try sandbox.runChecked([
                "sh", "-c",
                """
                printf '[Service]\\nType=notify\\nWatchdogSec=2s\\nExecStart=/usr/local/bin/systemd-probe notify-service\\n' \
                > /etc/systemd/system/probe.service && systemctl daemon-reload
                """,
            ])
            // `systemctl start` returns once the unit sent READY=1 (or fails after the start timeout).
            try sandbox.runChecked(["systemctl", "start", "probe.service"])
            let shown = try sandbox.runChecked([
                "systemctl", "show", "-p", "ActiveState", "-p", "StatusText", "probe.service",
            ])
            #expect(shown.contains("ActiveState=active"))
            #expect(shown.contains("StatusText=watchdog every 2.0 seconds"))

            // Twice the watchdog interval: without WATCHDOG=1 keep-alives systemd would have killed it by now.
            Thread.sleep(forTimeInterval: 4.5)
            let later = try sandbox.runChecked([
                "systemctl", "show", "-p", "ActiveState", "-p", "NRestarts", "-p", "Result", "probe.service",
            ])
            #expect(later.contains("ActiveState=active"))
            #expect(later.contains("Result=success"))

            try sandbox.runChecked(["systemctl", "stop", "probe.service"])
            #expect(
                try sandbox.runChecked(["systemctl", "show", "-p", "Result", "probe.service"]) == "Result=success\n"
            )
        }
    }
}

/// A datagram socket bound in a fresh temporary directory, standing in for systemd's notify socket.
private struct NotifySocket {
    let path: String
    let directory: String
    let descriptor: Int32

    init() throws {
        var template = Array((NSTemporaryDirectory() + "notify-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SandboxError(description: "mkdtemp failed") }
        self.directory = String(cString: made)
        self.path = self.directory + "/notify.sock"
        self.descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in self.path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(self.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard self.descriptor >= 0, bound == 0 else {
            throw SandboxError(description: "cannot bind \(self.path): errno \(errno)")
        }
        // A bounded receive: a test must fail, not hang, when nothing arrives.
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram, as text.
    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(self.descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { throw SandboxError(description: "no notification within 2 s (errno \(errno))") }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    func close() {
        Glibc.close(self.descriptor)
        unlink(self.path)
        rmdir(self.directory)
    }
}
