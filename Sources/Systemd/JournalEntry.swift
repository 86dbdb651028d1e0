/// One journal entry as read by ``JournalReader``: its fields, when it was written, and where it is.
public struct JournalEntry: Sendable, Hashable {
    /// Every field of the entry, by name, as bytes (values may be binary). A field that occurs more than once
    /// keeps its first value.
    public var fields: [String: [UInt8]]
    /// When journald received the entry, in microseconds since the Unix epoch (`__REALTIME_TIMESTAMP`).
    public var realtimeMicroseconds: UInt64
    /// The entry's cursor: pass it to ``JournalReader/seek(after:)`` to resume after this entry.
    public var cursor: String

    public init(fields: [String: [UInt8]], realtimeMicroseconds: UInt64, cursor: String) {
        self.fields = fields
        self.realtimeMicroseconds = realtimeMicroseconds
        self.cursor = cursor
    }

    /// A field's value decoded as UTF-8 (invalid bytes become U+FFFD), or `nil` when the entry lacks it.
    public subscript(field: String) -> String? {
        self.fields[field].map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `MESSAGE` field, or an empty string.
    public var message: String { self["MESSAGE"] ?? "" }
}
