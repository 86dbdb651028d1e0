extension SSHDLogEvent {
    /// The most text one event keeps: sshd formats every message into a 1 KiB buffer (`MSGBUFSIZ` in its
    /// log.c), so no line sshd wrote carries more. Longer ones were written by someone else (anyone may log
    /// as "sshd" through /dev/log).
    public static let maximumTextBytes = 1024

    /// The most bytes of the syslog host name kept (a DNS name has at most 253).
    public static let maximumHostBytes = 255

    /// This event with its text fields cut so that together they hold at most `budget` bytes of UTF-8, and
    /// the host name at most ``maximumHostBytes``; an event within the limits is returned unchanged.
    ///
    /// What keeps a window of many events bounded in memory: without it, forged lines of a few hundred KiB
    /// each would be stored whole. The budget is spent in order of trust: address, method, listener, drop
    /// facts, path, then the attacker-chosen user name and free text.
    public func bounded(textBytes budget: Int = SSHDLogEvent.maximumTextBytes) -> SSHDLogEvent {
        let fields: [WritableKeyPath<SSHDLogEvent, String?>] = [
            \.address, \.method, \.listenerAddress, \.duration, \.dropReason, \.penalty, \.path, \.user, \.detail,
        ]
        let total = fields.reduce(0) { $0 + (self[keyPath: $1]?.utf8.count ?? 0) }
        let hostBytes = self.host?.utf8.count ?? 0
        if total <= budget && hostBytes <= Self.maximumHostBytes { return self }
        var event = self
        var room = max(budget, 0)
        for field in fields {
            guard let text = event[keyPath: field] else { continue }
            let kept = Self.prefix(text, bytes: room)
            room -= kept.utf8.count
            event[keyPath: field] = kept
        }
        if let host = event.host { event.host = Self.prefix(host, bytes: Self.maximumHostBytes) }
        return event
    }

    /// The longest prefix of `text` of at most `bytes` UTF-8 bytes that ends on a character boundary.
    private static func prefix(_ text: String, bytes: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > bytes else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: bytes)
        // Step back off continuation bytes (10xxxxxx) so no scalar is split.
        while end > utf8.startIndex && (utf8[end] & 0xC0) == 0x80 { end = utf8.index(before: end) }
        return String(text[..<end])
    }
}
