import Testing

@testable import SSHDAuditCore

@Suite("systemd time spans")
struct SystemdTimeSpanTests {
    @Test(
        "parses systemd.time(7) spans",
        arguments: [
            ("5s", Duration.seconds(5)), ("5", .seconds(5)), ("500ms", .milliseconds(500)), ("1min", .seconds(60)),
            ("1h 30min", .seconds(5400)), ("1h30min", .seconds(5400)), ("2.5s", .milliseconds(2500)),
            ("1 day", .seconds(86400)), ("3 minutes 2s", .seconds(182)), ("20us", .microseconds(20)),
            ("0.5", .milliseconds(500)), ("1w", .seconds(604_800)),
        ]
    )
    func parses(text: String, expected: Duration) {
        #expect(SystemdTimeSpan.parse(text) == expected)
    }

    @Test(
        "rejects what systemd rejects",
        arguments: ["", "s", "-5s", "5 parsecs", "1.2.3s", "fast", "99999999999999999999s"]
    )
    func rejects(text: String) {
        #expect(SystemdTimeSpan.parse(text) == nil)
    }

    @Test("formats the way systemd prints, and reads its own output back")
    func formats() {
        #expect(SystemdTimeSpan.format(.seconds(5)) == "5s")
        #expect(SystemdTimeSpan.format(.seconds(300)) == "5min")
        #expect(SystemdTimeSpan.format(.seconds(5400)) == "1h 30min")
        #expect(SystemdTimeSpan.format(.milliseconds(1500)) == "1s 500ms")
        #expect(SystemdTimeSpan.format(.zero) == "0")
        for duration: Duration in [.seconds(5), .seconds(90061), .milliseconds(1), .microseconds(7)] {
            #expect(SystemdTimeSpan.parse(SystemdTimeSpan.format(duration)) == duration)
        }
    }

    @Test("booleans the systemd way")
    func booleans() {
        for yes in ["yes", "true", "1", "on", "YES", "y", "t"] { #expect(SystemdBoolean.parse(yes) == true) }
        for no in ["no", "false", "0", "off", "Off", "n", "f"] { #expect(SystemdBoolean.parse(no) == false) }
        #expect(SystemdBoolean.parse("maybe") == nil)
        #expect(SystemdBoolean.parse("") == nil)
    }
}
