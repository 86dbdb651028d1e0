extension JSONValue {
    /// A number JSON cannot spell (NaN or an infinity), met while writing.
    public struct NonFiniteNumber: Error, Sendable, Hashable, CustomStringConvertible {
        /// The number.
        public var value: Double

        /// The error for `value`.
        public init(value: Double) {
            self.value = value
        }

        public var description: String { "JSON cannot represent the number \(self.value)" }
    }

    /// The document as text, byte for byte as Foundation's `JSONEncoder` writes it on Linux with
    /// `outputFormatting = [.prettyPrinted, .sortedKeys]` (and `.withoutEscapingSlashes` when
    /// `escapingSlashes` is false), without a final newline; the rules are ``PrettyJSONWriter``'s.
    ///
    /// The files and reports this writes (`sockets --json`, formerly `status.json`) were written by
    /// `JSONEncoder` before; matching it keeps them identical for readers that compare text, without linking
    /// Foundation into the daemon.
    ///
    /// - Throws: ``NonFiniteNumber`` for NaN or an infinity, as `JSONEncoder` refuses them too.
    public func prettyPrinted(escapingSlashes: Bool = true) throws(NonFiniteNumber) -> String {
        var writer = PrettyJSONWriter(escapingSlashes: escapingSlashes)
        try writer.write(self)
        return writer.text
    }
}

extension PrettyJSONWriter {
    /// Writes `value`, object members sorted by the UTF-8 bytes of their keys.
    ///
    /// - Throws: ``JSONValue/NonFiniteNumber`` for NaN or an infinity.
    public mutating func write(_ value: JSONValue) throws(JSONValue.NonFiniteNumber) {
        switch value {
        case .null: self.null()
        case .bool(let flag): self.bool(flag)
        case .integer(let number): self.integer(number)
        case .double(let number): try self.double(number)
        case .string(let text): self.string(text)
        case .array(let elements):
            self.beginArray()
            for element in elements { try self.write(element) }
            self.endArray()
        case .object(let members):
            self.beginObject()
            for member in Self.sorted(members) {
                self.key(member.key)
                try self.write(member.value)
            }
            self.endObject()
        }
    }

    /// The members by the UTF-8 bytes of their keys; a stable sort, so members with the same key (which
    /// JSONEncoder never writes) keep their order. Members already in order (as callers build them) are not
    /// sorted.
    static func sorted(_ members: [JSONMember]) -> [JSONMember] {
        let precedes = { (left: JSONMember, right: JSONMember) in
            left.key.utf8.lexicographicallyPrecedes(right.key.utf8)
        }
        if zip(members, members.dropFirst()).allSatisfy({ !precedes($1, $0) }) { return members }
        return members.enumerated().sorted { left, right in
            if precedes(left.element, right.element) { return true }
            if precedes(right.element, left.element) { return false }
            return left.offset < right.offset
        }.map(\.element)
    }
}
