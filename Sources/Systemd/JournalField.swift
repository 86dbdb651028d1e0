/// The name of a journal field, checked against journald's rules.
///
/// journald accepts field names made of `A`–`Z`, `0`–`9` and `_`, not starting with `_` (those are trusted
/// fields journald adds itself, such as `_PID`) nor with a digit, at most 64 characters long. An entry with
/// an invalid name is rejected whole by `sd_journal_sendv(3)`, so names are validated when they are made,
/// not when an alert is already on its way.
public struct JournalField: Hashable, Sendable, CustomStringConvertible {
    /// The validated name, for example `MESSAGE`.
    public let name: String

    /// The longest name journald accepts.
    public static let maximumLength = 64

    /// Creates a field name, or returns `nil` when `name` breaks journald's rules.
    public init?(_ name: String) {
        guard Self.isValid(name) else { return nil }
        self.name = name
    }

    /// A name known to be valid, for the constants below.
    private init(known name: String) {
        self.name = name
    }

    /// Whether `name` is a field name journald accepts from a client.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maximumLength else { return false }
        guard first != UInt8(ascii: "_"), !isDigit(first) else { return false }
        return bytes.allSatisfy { isUpper($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// Maps any key (such as swift-log's `sshd.unit` or `peer-address`) to a valid field name: lower case is
    /// upper-cased, every other byte outside `A–Z0–9_` becomes `_`, leading underscores and digits are
    /// prefixed, and the result is cut to 64 characters. An empty key becomes `EMPTY`.
    public static func sanitizing(_ key: String) -> JournalField {
        var bytes: [UInt8] = key.utf8.map { byte in
            if isUpper(byte) || isDigit(byte) || byte == UInt8(ascii: "_") { return byte }
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { return byte - 32 }
            return UInt8(ascii: "_")
        }
        guard let first = bytes.first else { return JournalField(known: "EMPTY") }
        // A leading `_` would claim a trusted field and a leading digit is rejected: keep the key readable.
        if first == UInt8(ascii: "_") || isDigit(first) {
            bytes.insert(contentsOf: Array("FIELD".utf8), at: 0)
            if first != UInt8(ascii: "_") { bytes.insert(UInt8(ascii: "_"), at: 5) }
        }
        if bytes.count > maximumLength { bytes.removeLast(bytes.count - maximumLength) }
        return JournalField(known: String(decoding: bytes, as: UTF8.self))
    }

    public var description: String { self.name }

    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

// MARK: - Well-known fields (systemd.journal-fields(7))

extension JournalField {
    /// The human-readable message.
    public static let message = JournalField(known: "MESSAGE")
    /// A 128-bit message identifier, as 32 lower-case hex digits.
    public static let messageID = JournalField(known: "MESSAGE_ID")
    /// The syslog priority, `0` (emerg) to `7` (debug).
    public static let priority = JournalField(known: "PRIORITY")
    /// The program name, what `journalctl -t` matches.
    public static let syslogIdentifier = JournalField(known: "SYSLOG_IDENTIFIER")
    /// The source file of the code that logged.
    public static let codeFile = JournalField(known: "CODE_FILE")
    /// The source line of the code that logged.
    public static let codeLine = JournalField(known: "CODE_LINE")
    /// The function that logged.
    public static let codeFunction = JournalField(known: "CODE_FUNC")
    /// An errno number related to the entry.
    public static let errno = JournalField(known: "ERRNO")
}
