import Foundation

/// One entry of `journalctl -o json` (one JSON object a line): its text fields by name. Binary fields
/// (arrays of bytes) and repeated fields are left out; alerts have neither.
struct JournalJSONEntry: Sendable, CustomStringConvertible {
    /// Field name to value.
    var fields: [String: String]

    /// Parses one line of `journalctl -o json`; `nil` for anything that is not a JSON object.
    init?(json line: Substring) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return nil
        }
        self.fields = object.compactMapValues { $0 as? String }
    }

    subscript(name: String) -> String? { self.fields[name] }

    /// When journald received the entry, in µs since the epoch.
    var realtimeMicroseconds: UInt64 { self["__REALTIME_TIMESTAMP"].flatMap { UInt64($0) } ?? 0 }

    var description: String {
        self.fields.filter { !$0.key.hasPrefix("_") }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: " ")
    }
}
