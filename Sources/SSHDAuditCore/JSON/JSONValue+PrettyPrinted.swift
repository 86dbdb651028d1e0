extension JSONValue {
    /// A number JSON cannot spell (NaN or an infinity), met while writing.
    public struct NonFiniteNumber: Error, Sendable, Hashable, CustomStringConvertible {
        /// The number.
        public var value: Double

        public var description: String { "JSON cannot represent the number \(self.value)" }
    }

    /// The document as text, byte for byte as Foundation's `JSONEncoder` writes it on Linux with
    /// `outputFormatting = [.prettyPrinted, .sortedKeys]` (and `.withoutEscapingSlashes` when
    /// `escapingSlashes` is false), without a final newline.
    ///
    /// The files and reports this writes (`status.json`, `sockets --json`) were written by `JSONEncoder`
    /// before; matching it keeps them identical for readers that compare text, without linking Foundation
    /// into the daemon. The rules, from swift-foundation's `JSONWriter`:
    /// - two spaces of indentation per level, `"key" : value`, `,` and a newline between elements;
    /// - an empty array is `[`, two newlines, the indentation, `]` (and an empty object likewise);
    /// - object members sorted by the UTF-8 bytes of their keys;
    /// - strings escape `"`, `\`, `/` (unless not `escapingSlashes`), `\b`, `\f`, `\n`, `\r`, `\t` and other
    ///   C0 controls as `\u00xx` (lower-case hex); everything else, non-ASCII included, is written as is;
    /// - a double is its shortest round-trip `description` without a trailing `.0` (`5.0` is `5`).
    ///
    /// - Throws: ``NonFiniteNumber`` for NaN or an infinity, as `JSONEncoder` refuses them too.
    public func prettyPrinted(escapingSlashes: Bool = true) throws(NonFiniteNumber) -> String {
        var writer = PrettyWriter(escapingSlashes: escapingSlashes)
        try writer.write(self, indent: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// The state of one ``JSONValue/prettyPrinted(escapingSlashes:)`` call.
///
/// status.json under a flood of failed logins holds thousands of findings, written every cycle: strings that
/// need no escape are copied whole, and members already in order (as the callers build them) are not sorted.
private struct PrettyWriter {
    let escapingSlashes: Bool
    var bytes: [UInt8] = []

    init(escapingSlashes: Bool) {
        self.escapingSlashes = escapingSlashes
        self.bytes.reserveCapacity(4096)
    }

    mutating func write(_ value: JSONValue, indent: Int) throws(JSONValue.NonFiniteNumber) {
        switch value {
        case .null: self.append("null")
        case .bool(let flag): self.append(flag ? "true" : "false")
        case .integer(let number): self.bytes.append(contentsOf: String(number).utf8)
        case .double(let number):
            guard number.isFinite else { throw JSONValue.NonFiniteNumber(value: number) }
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            self.bytes.append(contentsOf: text.utf8)
        case .string(let text): self.writeString(text)
        case .array(let elements):
            self.append("[\n")
            for (index, element) in elements.enumerated() {
                if index > 0 { self.append(",\n") }
                self.writeIndent(indent + 1)
                try self.write(element, indent: indent + 1)
            }
            self.append("\n")
            self.writeIndent(indent)
            self.append("]")
        case .object(let members):
            self.append("{\n")
            for (index, member) in Self.sorted(members).enumerated() {
                if index > 0 { self.append(",\n") }
                self.writeIndent(indent + 1)
                self.writeString(member.key)
                self.append(" : ")
                try self.write(member.value, indent: indent + 1)
            }
            self.append("\n")
            self.writeIndent(indent)
            self.append("}")
        }
    }

    /// The members by the UTF-8 bytes of their keys; a stable sort, so members with the same key (which
    /// JSONEncoder never writes) keep their order.
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

    mutating func append(_ literal: StaticString) {
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func writeIndent(_ level: Int) {
        self.bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    mutating func writeString(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if !utf8.contains(where: { self.needsEscape($0) }) {
            self.bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 { self.writeEscaped(byte) }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            || (byte == UInt8(ascii: "/") && self.escapingSlashes)
    }

    mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): self.append("\\\"")
        case UInt8(ascii: "\\"): self.append("\\\\")
        case UInt8(ascii: "/") where self.escapingSlashes: self.append("\\/")
        case 0x08: self.append("\\b")
        case 0x0C: self.append("\\f")
        case UInt8(ascii: "\n"): self.append("\\n")
        case UInt8(ascii: "\r"): self.append("\\r")
        case UInt8(ascii: "\t"): self.append("\\t")
        case 0x00..<0x20:
            let hex: StaticString = "0123456789abcdef"
            self.append("\\u00")
            self.bytes.append(hex.utf8Start[Int(byte >> 4)])
            self.bytes.append(hex.utf8Start[Int(byte & 0x0F)])
        default: self.bytes.append(byte)
        }
    }
}
