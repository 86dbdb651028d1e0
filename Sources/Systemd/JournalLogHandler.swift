import Logging

/// A swift-log backend that writes each log event as a structured journal entry.
///
/// Every entry carries `MESSAGE`, `PRIORITY` (from the level, see `Logger.Level.syslogPriority`),
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`, `CODE_LINE`, `CODE_FUNC`, and one field per metadata key, its name made
/// valid with ``JournalField/sanitizing(_:)`` (`sshd.unit` becomes `SSHD_UNIT`; a key that would collide with
/// one of the fields above, such as `message`, gets a `METADATA_` prefix). The logger's label goes into
/// `LOGGER_LABEL`, the event's error into `ERROR`.
///
/// Following swift-log's rules for handlers, this is a value type and ``log(event:)`` never throws or traps.
/// When there is no journald, ``JournalWriter`` writes the entry to standard error; if even that fails the
/// line is dropped, since a log call has nowhere to report a failure.
public struct JournalLogHandler: LogHandler {
    /// The `SYSLOG_IDENTIFIER` of every entry, what `journalctl -t` selects.
    public var identifier: String
    /// The logger's label.
    public var label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let writer: JournalWriter

    /// - Parameters:
    ///   - label: the logger's label, stored in `LOGGER_LABEL`.
    ///   - identifier: the program name for `SYSLOG_IDENTIFIER`.
    ///   - writer: where entries go.
    ///   - metadataProvider: adds metadata to every entry.
    public init(
        label: String,
        identifier: String,
        writer: JournalWriter = JournalWriter(),
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.identifier = identifier
        self.writer = writer
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        do {
            try self.writer.send(self.fields(for: event))
        } catch {
            // Deliberately dropped: log(event:) cannot throw, and logging the failure would recurse.
        }
    }

    /// The entry for `event`, in the order it is sent. Separate from ``log(event:)`` so it can be tested.
    public func fields(for event: LogEvent) -> [(JournalField, String)] {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }

        var fields: [(JournalField, String)] = [
            (.message, "\(event.message)"),
            (.priority, "\(event.level.syslogPriority.rawValue)"),
            (.syslogIdentifier, self.identifier),
            (.codeFile, event.file),
            (.codeLine, "\(event.line)"),
            (.codeFunction, event.function),
            (Self.loggerLabel, self.label),
        ]
        if let error = event.error { fields.append((Self.error, "\(error)")) }
        let reserved = Set(fields.map(\.0.name))
        // Sorted so an entry's field order does not depend on dictionary order.
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            var field = JournalField.sanitizing(key)
            // Metadata must not add a second MESSAGE or PRIORITY: journalctl would show either one.
            if reserved.contains(field.name) { field = JournalField.sanitizing("METADATA_" + field.name) }
            fields.append((field, "\(value)"))
        }
        return fields
    }

    /// The logger's label.
    public static let loggerLabel = JournalField.sanitizing("LOGGER_LABEL")
    /// The event's error, described.
    public static let error = JournalField.sanitizing("ERROR")
}
