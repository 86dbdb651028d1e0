import Systemd

/// How ``LogSourceSelector/makeSource(for:stateDirectory:journal:classicYear:)`` opens the journal.
public struct JournalSourceOptions: Sendable, Hashable {
    /// Which journal files to read: the system's, or another tree's (tests, `--root`).
    public var source: JournalReader.Source

    public init(source: JournalReader.Source = .system) {
        self.source = source
    }
}
