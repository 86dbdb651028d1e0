/// Reads the `MaxStartups` gauge out of the listening sshd's process title.
///
/// OpenSSH 8.2 and later retitle the listener on every change in the number of unauthenticated
/// connections (`sshd.c`: `setproctitle("%s [listener] %d of %d-%d startups", ...)`), so
/// `/proc/MAINPID/cmdline` reads, for example:
///
/// ```
/// sshd: /usr/sbin/sshd -D [listener] 2 of 10-100 startups
/// ```
///
/// The parser looks for `[listener]` anywhere in the title and reads `N of S-F` after it, allowing any
/// run of blanks between the parts. It returns `nil` when the title has no such gauge: an sshd older
/// than 8.2, a per-connection sshd (`sshd: alice [priv]`), or any other process. It also returns `nil`
/// when the title ends right after the last number, because Linux truncates a title that outgrows the
/// process's original argument area, and `10-10` may then be the start of `10-100`.
public enum ListenerTitleParser {
    /// The gauge in a process title, or `nil` if the title has none.
    public static func parse(title: some StringProtocol) -> MaxStartupsGauge? {
        Self.parse(titleBytes: Array(title.utf8))
    }

    /// The gauge in the raw contents of `/proc/PID/cmdline`, or `nil` if the title has none.
    ///
    /// The bytes may be NUL-separated arguments, or a title padded with NULs as sshd's
    /// `setproctitle` leaves it; both read as one title with blanks between the parts.
    public static func parse(commandLine: [UInt8]) -> MaxStartupsGauge? {
        Self.parse(titleBytes: Self.titleBytes(commandLine: commandLine))
    }

    /// The process title in the raw contents of `/proc/PID/cmdline`: the NUL-separated arguments joined
    /// by single spaces, with empty arguments and NUL padding dropped.
    ///
    /// Invalid UTF-8 is replaced with U+FFFD, since a process may put any bytes in its title.
    public static func title(commandLine: [UInt8]) -> String {
        String(decoding: Self.titleBytes(commandLine: commandLine), as: UTF8.self)
    }

    // MARK: - Implementation

    private static func titleBytes(commandLine: [UInt8]) -> [UInt8] {
        let parts = commandLine.split(separator: 0, omittingEmptySubsequences: true)
        return Array(parts.joined(separator: [UInt8(ascii: " ")]))
    }

    private static let marker = Array("[listener]".utf8)

    private static func parse(titleBytes title: [UInt8]) -> MaxStartupsGauge? {
        var searchFrom = 0
        while let markerStart = Self.firstIndex(of: Self.marker, in: title, from: searchFrom) {
            var cursor = markerStart + Self.marker.count
            if let gauge = Self.parseCounts(title, &cursor) { return gauge }
            searchFrom = markerStart + 1
        }
        return nil
    }

    /// ` N of S-F` followed by a blank; `cursor` starts just after `[listener]`.
    private static func parseCounts(_ title: [UInt8], _ cursor: inout Int) -> MaxStartupsGauge? {
        Self.skipBlanks(title, &cursor)
        guard let active = Self.number(title, &cursor) else { return nil }
        Self.skipBlanks(title, &cursor)
        guard title[cursor...].starts(with: "of".utf8) else { return nil }
        cursor += 2
        Self.skipBlanks(title, &cursor)
        guard let start = Self.number(title, &cursor), cursor < title.count, title[cursor] == UInt8(ascii: "-")
        else { return nil }
        cursor += 1
        guard let full = Self.number(title, &cursor) else { return nil }
        // Require a blank after the last number so that a truncated title cannot shorten it.
        guard cursor < title.count, Self.isBlank(title[cursor]) else { return nil }
        return MaxStartupsGauge(active: active, start: start, full: full)
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index] == needle[0] && haystack[index..<index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }

    /// A decimal number of at most 9 digits, so it always fits in an `Int`.
    private static func number(_ title: [UInt8], _ cursor: inout Int) -> Int? {
        var value = 0
        var digits = 0
        while cursor < title.count, title[cursor] >= UInt8(ascii: "0"), title[cursor] <= UInt8(ascii: "9") {
            value = value * 10 + Int(title[cursor] - UInt8(ascii: "0"))
            digits += 1
            cursor += 1
            if digits > 9 { return nil }
        }
        return digits > 0 ? value : nil
    }

    private static func skipBlanks(_ title: [UInt8], _ cursor: inout Int) {
        while cursor < title.count, Self.isBlank(title[cursor]) { cursor += 1 }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
