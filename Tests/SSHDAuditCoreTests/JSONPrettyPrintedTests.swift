import Foundation
import SSHDAuditCore
import Testing

/// `JSONValue.prettyPrinted` against the writer it replaces: Foundation's `JSONEncoder` with
/// `[.prettyPrinted, .sortedKeys]` must write the very same bytes for the same document.
@Suite("JSONValue.prettyPrinted")
struct JSONPrettyPrintedTests {
    /// What `JSONEncoder` writes for `value`.
    static func foundation(_ value: JSONValue, escapingSlashes: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            escapingSlashes ? [.prettyPrinted, .sortedKeys] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(EncodableJSON(value: value)), as: UTF8.self)
    }

    static let awkwardStrings = [
        "", "plain", "quote \" backslash \\ slash / end", "\u{08}\u{0C}\n\r\t", "\u{00}\u{01}\u{1B}\u{1F} controls",
        "\u{7F} DEL and \u{80}\u{9F} C1", "é ü 日本 😀 \u{2028}", "/var/log/auth.log", "a\\/b", "\"\"",
    ]

    static let numbers: [JSONValue] = [
        .integer(0), .integer(-1), .integer(22), .integer(.max), .integer(.min), .double(0), .double(-0.0),
        .double(5), .double(0.1), .double(1.5), .double(-2.25), .double(1_763_764_455.123_456), .double(1e16),
        .double(1e-7), .double(123_456_789_012_345_680_000), .double(.ulpOfOne), .double(.greatestFiniteMagnitude),
        .double(.leastNonzeroMagnitude), .double(60), .double(0.005),
    ]

    @Test("strings, numbers and literals at every depth match JSONEncoder byte for byte")
    func scalars() throws {
        let document = JSONValue.object([
            JSONMember(key: "strings", value: .array(Self.awkwardStrings.map(JSONValue.string))),
            JSONMember(key: "numbers", value: .array(Self.numbers)),
            JSONMember(key: "literals", value: .array([.bool(true), .bool(false), .null])),
            JSONMember(
                key: "keys",
                value: .object(Self.awkwardStrings.map { JSONMember(key: $0, value: .string($0)) })
            ),
        ])
        #expect(try document.prettyPrinted() == Self.foundation(document))
        #expect(
            try document.prettyPrinted(escapingSlashes: false) == Self.foundation(document, escapingSlashes: false)
        )
    }

    @Test("empty and nested containers, and keys sorted by their UTF-8 bytes, match JSONEncoder")
    func containers() throws {
        let keys = [
            "b", "a", "B", "_a", "a_", "SSHD_UNIT", "SSHD_LISTENING_PORTS", "SSHDX", "a10", "a2", "é", "z", "Z",
        ]
        let document = JSONValue.object([
            JSONMember(key: "empty array", value: .array([])),
            JSONMember(key: "empty object", value: .object([])),
            JSONMember(key: "nested", value: .array([.array([]), .object([]), .array([.array([.integer(1)])])])),
            JSONMember(key: "sorted", value: .object(keys.map { JSONMember(key: $0, value: .object([])) })),
        ])
        #expect(try document.prettyPrinted() == Self.foundation(document))
        #expect(try JSONValue.array([]).prettyPrinted() == Self.foundation(.array([])))
        #expect(try JSONValue.object([]).prettyPrinted() == Self.foundation(.object([])))
    }

    @Test("random documents match JSONEncoder", arguments: 0..<64)
    func random(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let document = Self.randomContainer(depth: 0, &generator)
        #expect(try document.prettyPrinted() == Self.foundation(document))
        #expect(
            try document.prettyPrinted(escapingSlashes: false) == Self.foundation(document, escapingSlashes: false)
        )
    }

    @Test("NaN and infinities are refused, as JSONEncoder refuses them")
    func nonFinite() {
        for number in [Double.nan, .infinity, -.infinity] {
            #expect(throws: JSONValue.NonFiniteNumber.self) {
                try JSONValue.array([.double(number)]).prettyPrinted()
            }
        }
    }

    @Test("PrettyJSONWriter's calls and sorted string objects match JSONEncoder, drained in pieces or not")
    func writerCalls() throws {
        let fields = Dictionary(uniqueKeysWithValues: Self.awkwardStrings.enumerated().map { ("\($1)\($0)", $1) })
        let document = JSONValue.object([
            JSONMember(key: "a/b \"literal\"", value: .integer(-7)),
            JSONMember(key: "fields", value: .object(fields.map { JSONMember(key: $0.key, value: .string($0.value)) })),
            JSONMember(key: "empty", value: .object([])),
        ])
        for escapingSlashes in [true, false] {
            var writer = PrettyJSONWriter(escapingSlashes: escapingSlashes, capacity: 16)
            var drained: [UInt8] = []
            writer.beginObject()
            writer.key("a/b \"literal\"")
            writer.integer(-7)
            writer.drain { drained.append(contentsOf: $0) }
            #expect(writer.bufferedCount == 0)
            writer.key("empty")
            writer.writeStringObject([:])
            writer.key("fields")
            writer.writeStringObject(fields)
            writer.endObject()
            writer.drain { drained.append(contentsOf: $0) }
            let expected = try Self.foundation(document, escapingSlashes: escapingSlashes)
            #expect(String(decoding: drained, as: UTF8.self) == expected)
        }
    }

    @Test("what it writes reads back as the same document")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<32 {
            let document = Self.randomContainer(depth: 0, &generator)
            let read = JSONReader.read(try document.prettyPrinted())
            #expect(read.diagnostics.isEmpty)
            let value = try #require(read.value)
            #expect(Self.same(value, Self.sortingKeys(document)), "\(value) is not \(document)")
        }
    }

    /// `value` with every object's members sorted, as the writer puts them.
    static func sortingKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements): return .array(elements.map(Self.sortingKeys))
        case .object(let members):
            return .object(
                members.map { JSONMember(key: $0.key, value: Self.sortingKeys($0.value)) }
                    .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            )
        default: return value
        }
    }

    /// Equal documents, numbers compared by value: `5.0` is written `5` and reads back as an integer.
    static func same(_ left: JSONValue, _ right: JSONValue) -> Bool {
        switch (left, right) {
        case (.integer(let integer), .double(let double)), (.double(let double), .integer(let integer)):
            return Double(integer) == double
        case (.array(let lefts), .array(let rights)):
            return lefts.count == rights.count && zip(lefts, rights).allSatisfy { Self.same($0, $1) }
        case (.object(let lefts), .object(let rights)):
            return lefts.count == rights.count
                && zip(lefts, rights).allSatisfy { $0.key == $1.key && Self.same($0.value, $1.value) }
        default:
            return left == right
        }
    }

    static func randomContainer(depth: Int, _ generator: inout SplitMix64) -> JSONValue {
        let count = Int(generator.next() % 5)
        if generator.next() % 2 == 0 {
            return .array((0..<count).map { _ in Self.randomValue(depth: depth + 1, &generator) })
        }
        var members: [JSONMember] = []
        var keys = Set<String>()
        for _ in 0..<count {
            // JSONEncoder writes a dictionary: one member per key.
            let key = Self.randomString(&generator)
            if keys.insert(key).inserted {
                members.append(JSONMember(key: key, value: Self.randomValue(depth: depth + 1, &generator)))
            }
        }
        return .object(members)
    }

    static func randomValue(depth: Int, _ generator: inout SplitMix64) -> JSONValue {
        switch generator.next() % (depth < 4 ? 7 : 5) {
        case 0: return .string(Self.randomString(&generator))
        case 1: return Self.numbers[Int(generator.next() % UInt64(Self.numbers.count))]
        case 2: return .integer(Int64(bitPattern: generator.next()) >> (generator.next() % 64))
        case 3:
            return .double(
                Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF) * (generator.next() % 2 == 0 ? 1 : -1)
            )
        case 4: return [JSONValue.bool(true), .bool(false), .null][Int(generator.next() % 3)]
        default: return Self.randomContainer(depth: depth, &generator)
        }
    }

    static func randomString(_ generator: inout SplitMix64) -> String {
        let alphabet: [Unicode.Scalar] = [
            "a", "B", "_", "/", "\\", "\"", " ", "\n", "\u{01}", "\u{1F}", "\u{7F}", "é", "😀", "0", "9",
        ]
        let length = Int(generator.next() % 8)
        return String(
            String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        )
    }
}

/// A `JSONValue` as `Encodable`, so `JSONEncoder` can write it.
private struct EncodableJSON: Encodable {
    var value: JSONValue

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self.value {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .integer(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .double(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(EncodableJSON(value: element)) }
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for member in members {
                try container.encode(EncodableJSON(value: member.value), forKey: Key(stringValue: member.key))
            }
        }
    }
}
