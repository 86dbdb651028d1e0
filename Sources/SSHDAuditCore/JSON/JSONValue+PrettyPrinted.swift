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
        case .integer(let number): self.append(String(number))
        case .double(let number):
            guard number.isFinite else { throw JSONValue.NonFiniteNumber(value: number) }
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            self.append(text)
        case .string(let text): self.writeString(text)
        case .array(let elements):
            self.bytes.append(UInt8(ascii: "["))
            self.bytes.append(UInt8(ascii: "\n"))
            for (index, element) in elements.enumerated() {
                if index > 0 { self.append(",\n") }
                self.writeIndent(indent + 1)
                try self.write(element, indent: indent + 1)
            }
            self.bytes.append(UInt8(ascii: "\n"))
            self.writeIndent(indent)
            self.bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            self.bytes.append(UInt8(ascii: "{"))
            self.bytes.append(UInt8(ascii: "\n"))
            // A stable sort: members with the same key (which JSONEncoder never writes) keep their order.
            let sorted = members.enumerated().sorted { left, right in
                if left.element.key == right.element.key { return left.offset < right.offset }
                return left.element.key.utf8.lexicographicallyPrecedes(right.element.key.utf8)
            }
            for (index, member) in sorted.map(\.element).enumerated() {
                if index > 0 { self.append(",\n") }
                self.writeIndent(indent + 1)
                self.writeString(member.key)
                self.append(" : ")
                try self.write(member.value, indent: indent + 1)
            }
            self.bytes.append(UInt8(ascii: "\n"))
            self.writeIndent(indent)
            self.bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    mutating func writeIndent(_ level: Int) {
        for _ in 0..<level { self.append("  ") }
    }

    mutating func writeString(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
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
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                self.append("\\u00")
                self.bytes.append(hex[Int(byte >> 4)])
                self.bytes.append(hex[Int(byte & 0x0F)])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
