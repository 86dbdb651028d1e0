import SSHDAuditCore
import Testing

@Suite("ListenerTitleParser and MaxStartupsGauge")
struct ListenerTitleParserTests {
    @Test(
        "reads N of S-F startups from listener titles",
        arguments: [
            ("sshd: /usr/sbin/sshd -D [listener] 2 of 10-100 startups", 2, 10, 100),
            ("sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", 0, 10, 100),
            // The title of the sshd the live tests start (OpenSSH 9.2, MaxStartups 2:100:3).
            ("sshd: /usr/sbin/sshd -D -e -f /tmp/x/sshd_config -h /tmp/x/key [listener] 2 of 2-3 startups", 2, 2, 3),
            // MaxStartups with a single number: start and full are equal.
            ("sshd: /usr/sbin/sshd -D [listener] 10 of 10-10 startups", 10, 10, 10),
            // Blanks are not significant, and the prefix may be anything.
            ("sshd: /usr/sbin/sshd  -D   [listener]   12  of  30-60 startups", 12, 30, 60),
            ("[listener] 1 of 1-2 startups", 1, 1, 2),
            ("sshd: /usr/sbin/sshd -D -f /etc/ssh/[listener] [listener] 5 of 6-7 startups", 5, 6, 7),
            ("sshd: /usr/sbin/sshd -D [listener]\t3 of 10-100\tstartups", 3, 10, 100),
        ]
    )
    func gauge(title: String, active: Int, start: Int, full: Int) throws {
        let gauge = try #require(ListenerTitleParser.parse(title: title))
        #expect(gauge == MaxStartupsGauge(active: active, start: start, full: full))
    }

    @Test(
        "returns nil when a title has no gauge, or may have been cut short",
        arguments: [
            "",
            "sshd: /usr/sbin/sshd -D",
            "/usr/sbin/sshd -D",
            "sshd: alice [priv]",
            "sshd: alice@pts/0",
            "sshd: [accepted]",
            "sshd: /usr/sbin/sshd -D [listener]",
            "sshd: /usr/sbin/sshd -D [listener] of 10-100 startups",
            "sshd: /usr/sbin/sshd -D [listener] x of 10-100 startups",
            "sshd: /usr/sbin/sshd -D [listener] 2 of 10 startups",
            "sshd: /usr/sbin/sshd -D [listener] 2 of 10- startups",
            "sshd: /usr/sbin/sshd -D [listener] 2 from 10-100 startups",
            "sshd: /usr/sbin/sshd -D [listener] 2 of 10-10",
            "sshd: /usr/sbin/sshd -D [listener] 2 of 10-100startups",
            "sshd: /usr/sbin/sshd -D [listener] 99999999999 of 10-100 startups",
        ]
    )
    func absent(title: String) {
        #expect(ListenerTitleParser.parse(title: title) == nil)
    }

    @Test("reads /proc/PID/cmdline bytes: a NUL-padded title or NUL-separated arguments")
    func commandLine() {
        let padded = Array("sshd: /usr/sbin/sshd -D [listener] 4 of 10-100 startups".utf8) + [0, 0, 0, 0]
        #expect(ListenerTitleParser.parse(commandLine: padded) == MaxStartupsGauge(active: 4, start: 10, full: 100))
        #expect(
            ListenerTitleParser.title(commandLine: padded) == "sshd: /usr/sbin/sshd -D [listener] 4 of 10-100 startups"
        )

        let arguments = Array("sshd:\0/usr/sbin/sshd\0-D\0[listener]\u{0}4\0of\u{0}10-100\0startups\0".utf8)
        #expect(ListenerTitleParser.parse(commandLine: arguments) == MaxStartupsGauge(active: 4, start: 10, full: 100))

        let unretitled = Array("/usr/sbin/sshd\0-D\0".utf8)
        #expect(ListenerTitleParser.parse(commandLine: unretitled) == nil)
        #expect(ListenerTitleParser.title(commandLine: unretitled) == "/usr/sbin/sshd -D")
        #expect(ListenerTitleParser.title(commandLine: []) == "")
    }

    @Test(
        "says when sshd throttles and when it drops everything",
        arguments: [
            (MaxStartupsGauge(active: 0, start: 10, full: 100), false, false),
            (MaxStartupsGauge(active: 9, start: 10, full: 100), false, false),
            (MaxStartupsGauge(active: 10, start: 10, full: 100), true, false),
            (MaxStartupsGauge(active: 100, start: 10, full: 100), true, true),
            (MaxStartupsGauge(active: 3, start: 2, full: 3), true, true),
        ]
    )
    func thresholds(gauge: MaxStartupsGauge, throttling: Bool, full: Bool) {
        #expect(gauge.isThrottling == throttling)
        #expect(gauge.isFull == full)
    }

    @Test("prints itself as sshd does")
    func description() {
        #expect(MaxStartupsGauge(active: 2, start: 10, full: 100).description == "2 of 10-100 startups")
    }
}
