/// A small, strict JSON reader (RFC 8259) over bytes, for `nft -j` output and `status.json`.
///
/// It never traps: malformed input, excessive nesting or a truncated document ends the read with
/// one diagnostic carrying the line where it went wrong, and the value is `nil`.
public enum JSONReader {
    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    public static let maximumDepth = 512

    /// Reads one JSON document from `bytes` (UTF-8).
    public static func read(_ bytes: [UInt8], file: String? = nil) -> Parsed<JSONValue?> {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer)
            do throws(Failure) {
                cursor.skipWhitespace()
                let value = try cursor.readValue(depth: 0)
                cursor.skipWhitespace()
                guard cursor.isAtEnd else { throw cursor.failure("unexpected data after the JSON document") }
                return Parsed(value: value)
            } catch {
                let diagnostic = ParseDiagnostic(
                    file: file,
                    line: error.line,
                    severity: .error,
                    message: "invalid JSON: \(error.message)"
                )
                return Parsed(value: nil, diagnostics: [diagnostic])
            }
        }
    }

    /// Reads one JSON document from text.
    public static func read(_ text: String, file: String? = nil) -> Parsed<JSONValue?> {
        self.read(Array(text.utf8), file: file)
    }

    private struct Failure: Error {
        var line: Int
        var message: String
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var line = 1

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { self.index >= self.bytes.count }

        func failure(_ message: String) -> Failure {
            // At the end of a document that ends in a newline the cursor is on a line the file does not have;
            // name the last line instead.
            if self.isAtEnd, self.bytes.last == UInt8(ascii: "\n"), self.line > 1 {
                return Failure(line: self.line - 1, message: message)
            }
            return Failure(line: self.line, message: message)
        }

        mutating func skipWhitespace() {
            while self.index < self.bytes.count {
                switch self.bytes[self.index] {
                case UInt8(ascii: "\n"): self.line += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
                default: return
                }
                self.index += 1
            }
        }

        mutating func readValue(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONReader.maximumDepth else {
                throw self.failure("nesting deeper than \(JSONReader.maximumDepth)")
            }
            guard !self.isAtEnd else { throw self.failure("unexpected end of input") }
            switch self.bytes[self.index] {
            case UInt8(ascii: "{"): return try self.readObject(depth: depth)
            case UInt8(ascii: "["): return try self.readArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try self.readString())
            case UInt8(ascii: "t"): try self.expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try self.expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try self.expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.readNumber()
            default: throw self.failure("unexpected character at byte \(self.index)")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
            let count = literal.utf8CodeUnitCount
            guard self.index + count <= self.bytes.count else { throw self.failure("truncated literal") }
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
            for offset in 0..<count where self.bytes[self.index + offset] != expected[offset] {
                throw self.failure("invalid literal at byte \(self.index)")
            }
            self.index += count
        }

        mutating func readObject(depth: Int) throws(Failure) -> JSONValue {
            self.index += 1
            var members: [JSONMember] = []
            self.skipWhitespace()
            if self.peek(UInt8(ascii: "}")) {
                self.index += 1
                return .object(members)
            }
            while true {
                self.skipWhitespace()
                guard self.peek(UInt8(ascii: "\"")) else { throw self.failure("expected a member name") }
                let key = try self.readString()
                self.skipWhitespace()
                guard self.peek(UInt8(ascii: ":")) else { throw self.failure("expected ':' after \"\(key)\"") }
                self.index += 1
                self.skipWhitespace()
                members.append(JSONMember(key: key, value: try self.readValue(depth: depth + 1)))
                self.skipWhitespace()
                if self.peek(UInt8(ascii: ",")) {
                    self.index += 1
                } else if self.peek(UInt8(ascii: "}")) {
                    self.index += 1
                    return .object(members)
                } else {
                    throw self.failure("expected ',' or '}' in an object")
                }
            }
        }

        mutating func readArray(depth: Int) throws(Failure) -> JSONValue {
            self.index += 1
            var elements: [JSONValue] = []
            self.skipWhitespace()
            if self.peek(UInt8(ascii: "]")) {
                self.index += 1
                return .array(elements)
            }
            while true {
                self.skipWhitespace()
                elements.append(try self.readValue(depth: depth + 1))
                self.skipWhitespace()
                if self.peek(UInt8(ascii: ",")) {
                    self.index += 1
                } else if self.peek(UInt8(ascii: "]")) {
                    self.index += 1
                    return .array(elements)
                } else {
                    throw self.failure("expected ',' or ']' in an array")
                }
            }
        }

        func peek(_ byte: UInt8) -> Bool {
            self.index < self.bytes.count && self.bytes[self.index] == byte
        }

        mutating func readString() throws(Failure) -> String {
            self.index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = self.index
            var utf8: [UInt8] = []
            while true {
                guard self.index < self.bytes.count else { throw self.failure("unterminated string") }
                let byte = self.bytes[self.index]
                if byte == UInt8(ascii: "\"") {
                    utf8.append(contentsOf: self.bytes[runStart..<self.index])
                    self.index += 1
                    break
                }
                if byte < 0x20 { throw self.failure("control character in a string") }
                if byte == UInt8(ascii: "\\") {
                    utf8.append(contentsOf: self.bytes[runStart..<self.index])
                    self.index += 1
                    let scalar = try self.readEscape()
                    // Flush the pending UTF-8 run before the escaped scalar so order is kept.
                    scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                    utf8.removeAll(keepingCapacity: true)
                    scalars.append(scalar)
                    runStart = self.index
                    continue
                }
                self.index += 1
            }
            if scalars.isEmpty { return String(decoding: utf8, as: UTF8.self) }
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            return String(scalars)
        }

        mutating func readEscape() throws(Failure) -> Unicode.Scalar {
            guard self.index < self.bytes.count else { throw self.failure("unterminated escape") }
            let byte = self.bytes[self.index]
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try self.readHex4()
                if (0xD800..<0xDC00).contains(high) {
                    // A surrogate pair spells one scalar beyond the BMP; a lone half becomes U+FFFD.
                    if self.peek(UInt8(ascii: "\\")), self.index + 1 < self.bytes.count,
                        self.bytes[self.index + 1] == UInt8(ascii: "u")
                    {
                        self.index += 2
                        let low = try self.readHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            return Unicode.Scalar(value) ?? "\u{FFFD}"
                        }
                    }
                    return "\u{FFFD}"
                }
                return Unicode.Scalar(high) ?? "\u{FFFD}"
            default:
                throw self.failure("invalid escape in a string")
            }
        }

        mutating func readHex4() throws(Failure) -> UInt32 {
            guard self.index + 4 <= self.bytes.count else { throw self.failure("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = self.bytes[self.index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw self.failure("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
                self.index += 1
            }
            return value
        }

        mutating func readNumber() throws(Failure) -> JSONValue {
            let start = self.index
            var isInteger = true
            if self.peek(UInt8(ascii: "-")) { self.index += 1 }
            guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                throw self.failure("invalid number")
            }
            if self.bytes[self.index] == UInt8(ascii: "0") {
                self.index += 1
            } else {
                while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
            }
            if self.peek(UInt8(ascii: ".")) {
                isInteger = false
                self.index += 1
                guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                    throw self.failure("invalid fraction")
                }
                while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
            }
            if self.peek(UInt8(ascii: "e")) || self.peek(UInt8(ascii: "E")) {
                isInteger = false
                self.index += 1
                if self.peek(UInt8(ascii: "+")) || self.peek(UInt8(ascii: "-")) { self.index += 1 }
                guard self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) else {
                    throw self.failure("invalid exponent")
                }
                while self.index < self.bytes.count, self.isDigit(self.bytes[self.index]) { self.index += 1 }
            }
            let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
            if isInteger, let value = Int64(text) { return .integer(value) }
            guard let value = Double(text) else { throw self.failure("number out of range") }
            return .double(value)
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }
    }
}
