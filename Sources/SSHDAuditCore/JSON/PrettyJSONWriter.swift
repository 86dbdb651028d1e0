/// Writes JSON text value by value, byte for byte as Foundation's `JSONEncoder` writes it on Linux with
/// `outputFormatting = [.prettyPrinted, .sortedKeys]` (and `.withoutEscapingSlashes` when `escapingSlashes` is
/// false): the writer behind ``JSONValue/prettyPrinted(escapingSlashes:)`` and `status.json`.
///
/// The rules, from swift-foundation's `JSONWriter`:
/// - two spaces of indentation per level, `"key" : value`, `,` and a newline between elements;
/// - an empty array is `[`, two newlines, the indentation, `]` (and an empty object likewise);
/// - object members sorted by the UTF-8 bytes of their keys: here the caller writes them in that order
///   (``JSONValue`` sorts its members, ``writeStringObject(_:)`` a dictionary's);
/// - strings escape `"`, `\`, `/` (unless not `escapingSlashes`), `\b`, `\f`, `\n`, `\r`, `\t` and other C0
///   controls as `\u00xx` (lower-case hex); everything else, non-ASCII included, is written as is;
/// - a double is its shortest round-trip `description` without a trailing `.0` (`5.0` is `5`).
///
/// Why a streaming writer: status.json under a flood of failed logins holds thousands of findings (630 KB) and
/// is written every cycle. A ``JSONValue`` tree of it cost an allocation per value and per member list, and the
/// text was held three times over (bytes, `String`, the bytes again for `write`). Written value by value, the
/// document needs no tree, and a caller that ``drain(_:)``s the buffer as it fills holds no more than a chunk.
///
/// The writer does not check that the calls make a well-formed document (a key outside an object, a missing
/// value): its callers are a few fixed encoders, and the tests compare what they write with `JSONEncoder`.
public struct PrettyJSONWriter: ~Copyable {
    /// Whether `/` is written as `\/`, as `JSONEncoder` does unless told `.withoutEscapingSlashes`.
    public let escapingSlashes: Bool
    /// The text written and not yet drained.
    private var buffer: ByteWriter
    /// How many containers are open.
    private var depth = 0
    /// Whether the innermost open container has no element yet.
    private var atFirstElement = true
    /// Whether a key was just written: its value follows on the same line.
    private var afterKey = false

    /// - Parameters:
    ///   - escapingSlashes: write `/` as `\/`.
    ///   - capacity: the buffer's initial size; it grows by doubling.
    public init(escapingSlashes: Bool = true, capacity: Int = 4096) {
        self.escapingSlashes = escapingSlashes
        self.buffer = ByteWriter(capacity: capacity)
    }

    // MARK: - Output

    /// How many bytes are written and not drained yet.
    public var bufferedCount: Int { self.buffer.count }

    /// Calls `body` with the bytes written since the last drain, then forgets them (keeping the allocation).
    public mutating func drain<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void) throws(E) {
        try self.buffer.withUnsafeBytes(body)
        self.buffer.removeAll()
    }

    /// Ends a document with a newline, as files end.
    public mutating func newline() {
        self.buffer.append(UInt8(ascii: "\n"))
    }

    /// The bytes written since the last drain, as a string.
    public var text: String {
        self.buffer.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: - Containers

    /// Opens an array: its elements follow, then ``endArray()``.
    public mutating func beginArray() {
        self.open("[\n")
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        self.close("]")
    }

    /// Opens an object: its members follow (``key(_:)`` then a value, keys in UTF-8 order), then ``endObject()``.
    public mutating func beginObject() {
        self.open("{\n")
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        self.close("}")
    }

    /// Writes a member's key; its value comes next.
    public mutating func key(_ name: String) {
        self.placeElement()
        self.writeString(name)
        self.buffer.append(" : ")
        self.afterKey = true
    }

    // MARK: - Values

    /// Writes `null`.
    public mutating func null() {
        self.placeElement()
        self.buffer.append("null")
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ flag: Bool) {
        self.placeElement()
        self.buffer.append(flag ? "true" : "false")
    }

    /// Writes an integer.
    public mutating func integer(_ number: Int64) {
        self.placeElement()
        self.buffer.appendDecimal(Int(number))
    }

    /// Writes a double as `JSONEncoder` does: its shortest round-trip form, without a trailing `.0`.
    ///
    /// - Throws: ``JSONValue/NonFiniteNumber`` for NaN or an infinity, which JSON cannot spell.
    public mutating func double(_ number: Double) throws(JSONValue.NonFiniteNumber) {
        guard number.isFinite else { throw JSONValue.NonFiniteNumber(value: number) }
        self.placeElement()
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        self.buffer.append(text)
    }

    /// Writes a string, escaped.
    public mutating func string(_ text: String) {
        self.placeElement()
        self.writeString(text)
    }

    /// Writes a `[String: String]` as an object, its members sorted by the UTF-8 bytes of their keys.
    public mutating func writeStringObject(_ dictionary: [String: String]) {
        self.beginObject()
        // Findings carry a handful of fields: an insertion sort of the keys, no sort machinery.
        var keys: [String] = []
        keys.reserveCapacity(dictionary.count)
        for key in dictionary.keys {
            var index = keys.count
            while index > 0, key.utf8.lexicographicallyPrecedes(keys[index - 1].utf8) { index -= 1 }
            keys.insert(key, at: index)
        }
        for key in keys {
            self.key(key)
            self.string(dictionary[key] ?? "")
        }
        self.endObject()
    }

    // MARK: - Layout

    private mutating func open(_ bracket: StaticString) {
        self.placeElement()
        self.buffer.append(bracket)
        self.depth += 1
        self.atFirstElement = true
    }

    private mutating func close(_ bracket: StaticString) {
        self.depth -= 1
        self.buffer.append(UInt8(ascii: "\n"))
        self.writeIndent(self.depth)
        self.buffer.append(bracket)
        self.atFirstElement = false
    }

    /// What goes before an element: nothing after a key (the value follows it), else the separator from the
    /// previous element and the indentation.
    private mutating func placeElement() {
        if self.afterKey {
            self.afterKey = false
            return
        }
        guard self.depth > 0 else { return }
        if !self.atFirstElement { self.buffer.append(",\n") }
        self.atFirstElement = false
        self.writeIndent(self.depth)
    }

    private mutating func writeIndent(_ level: Int) {
        for _ in 0..<level { self.buffer.append("  ") }
    }

    private mutating func writeString(_ text: String) {
        self.buffer.append(UInt8(ascii: "\""))
        // Most strings need no escape and are copied whole.
        text.withUTF8Bytes { utf8 in
            if !utf8.contains(where: { self.needsEscape($0) }) {
                self.buffer.append(contentsOf: utf8)
            } else {
                for byte in utf8 { self.writeEscaped(byte) }
            }
        }
        self.buffer.append(UInt8(ascii: "\""))
    }

    private func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            || (byte == UInt8(ascii: "/") && self.escapingSlashes)
    }

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): self.buffer.append("\\\"")
        case UInt8(ascii: "\\"): self.buffer.append("\\\\")
        case UInt8(ascii: "/") where self.escapingSlashes: self.buffer.append("\\/")
        case 0x08: self.buffer.append("\\b")
        case 0x0C: self.buffer.append("\\f")
        case UInt8(ascii: "\n"): self.buffer.append("\\n")
        case UInt8(ascii: "\r"): self.buffer.append("\\r")
        case UInt8(ascii: "\t"): self.buffer.append("\\t")
        case 0x00..<0x20:
            let hex: StaticString = "0123456789abcdef"
            self.buffer.append("\\u00")
            self.buffer.append(hex.utf8Start[Int(byte >> 4)])
            self.buffer.append(hex.utf8Start[Int(byte & 0x0F)])
        default: self.buffer.append(byte)
        }
    }
}
