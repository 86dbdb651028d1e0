/// One `Key=value` line of a systemd-style configuration file, with where it came from.
public struct INIAssignment: Sendable, Hashable {
    /// The `[Section]` it appeared under.
    public var section: String
    /// The key, as written (keys are case-sensitive, as in systemd).
    public var key: String
    /// The value with surrounding whitespace removed; continuation lines already joined.
    public var value: String
    /// The file, when the text came from one.
    public var file: String?
    /// The 1-based line the assignment starts on.
    public var line: Int

    public init(section: String, key: String, value: String, file: String? = nil, line: Int) {
        self.section = section
        self.key = key
        self.value = value
        self.file = file
        self.line = line
    }
}
