/// Which of the daemon's alert entries in the journal its saved ``AlertState`` already includes.
///
/// The daemon writes an alert's entry to the journal first and saves its state after: killed in between, the
/// saved state is one transition behind what the journal says, and the restarted daemon would write the same
/// transition again. So every alert entry carries the state's identity and a number
/// (`SSHD_AUDITOR_STATE_ID`, `SSHD_AUDITOR_STATE_GENERATION`), the saved state carries the number of the last
/// entry it includes, and at start the entries numbered after it are applied to the state
/// (``AlertState/replay(_:mark:)``). An exact identity, not a time: a clock step cannot make an entry count twice
/// or not at all.
///
/// The identity is random, chosen when the daemon starts without a saved mark (first start, state directory
/// lost, a state file of an older version): numbers restart at 1 then, and the old state's entries are never
/// mistaken for the new one's.
///
/// Saved as one line after the ``AlertState`` records in the state file:
///
/// ```
/// journal id=5f0c2b9e7d1a4c3e8b6f0a2d4e6c8b1a generation=12
/// ```
public struct AlertJournalMark: Sendable, Hashable {
    /// The state's identity: 32 lower-case hex digits.
    public var stateID: String
    /// The number of the last transition written under ``stateID``; 0 before the first.
    public var generation: UInt64

    public init(stateID: String, generation: UInt64 = 0) {
        self.stateID = stateID
        self.generation = generation
    }

    /// A new identity with no transition written yet, 128 bits from `generator`.
    public static func fresh(using generator: inout some RandomNumberGenerator) -> AlertJournalMark {
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt64.random(in: .min ... .max, using: &generator)
        return AlertJournalMark(stateID: Self.hex(high) + Self.hex(low))
    }

    /// Counts one more transition and returns the fields its journal entry carries.
    public mutating func advance() -> [(name: String, value: String)] {
        self.generation += 1
        return [(FindingField.stateID, self.stateID), (FindingField.stateGeneration, String(self.generation))]
    }

    /// The journal match selecting every entry written under this identity.
    public var journalMatch: String { "\(FindingField.stateID)=\(self.stateID)" }

    // MARK: - In the state file

    /// The first word of the mark's line in the state file.
    public static let lineKeyword = "journal"

    /// The mark's line in the state file, ending with a newline.
    public var line: String { "\(Self.lineKeyword) id=\(self.stateID) generation=\(self.generation)\n" }

    /// Splits a state file into its mark (`nil` when it has no valid mark line: a file of an older version, or
    /// a damaged line) and the rest, for ``AlertState/parse(_:reraiseInterval:file:)``.
    public static func split(stateFile text: String) -> (mark: AlertJournalMark?, rest: String) {
        var mark: AlertJournalMark?
        var rest = ""
        rest.reserveCapacity(text.utf8.count)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            if line.hasPrefix(Self.lineKeyword + " ") {
                mark = Self.parse(line) ?? mark
            } else {
                rest += line
            }
            // The mark's line stays as an empty one, so diagnostics name the file's own line numbers.
            if index < lines.count - 1 { rest += "\n" }
        }
        return (mark, rest)
    }

    /// Reads `journal id=HEX generation=N`; `nil` when either is missing or malformed.
    static func parse(_ line: Substring) -> AlertJournalMark? {
        var id: Substring?
        var generation: UInt64?
        for token in line.split(separator: " ").dropFirst() {
            if token.hasPrefix("id=") {
                id = token.dropFirst("id=".count)
            } else if token.hasPrefix("generation=") {
                generation = UInt64(token.dropFirst("generation=".count))
            }
        }
        guard let id, let generation, Self.isStateID(id) else { return nil }
        return AlertJournalMark(stateID: String(id), generation: generation)
    }

    /// Whether `text` has the shape of a state identity: 32 lower-case hex digits.
    static func isStateID(_ text: Substring) -> Bool {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let letters = UInt8(ascii: "a")...UInt8(ascii: "f")
        return text.utf8.count == 32 && text.utf8.allSatisfy { digits.contains($0) || letters.contains($0) }
    }

    /// 16 lower-case hex digits, zero-padded.
    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
