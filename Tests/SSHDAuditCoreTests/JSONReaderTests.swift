import SSHDAuditCore
import Testing

@Suite("JSONReader")
struct JSONReaderTests {
    @Test("reads nested objects, arrays and every scalar type in order")
    func readsDocument() throws {
        let parsed = JSONReader.read(#"{"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "d"}, "a": 0}"#)
        #expect(parsed.diagnostics.isEmpty)
        let value = try #require(parsed.value)
        #expect(
            value["a"]
                == .array([.integer(1), .integer(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null])
        )
        #expect(value["b"]?["c"]?.stringValue == "d")
        #expect(value.objectValue?.map(\.key) == ["a", "b", "a"])
    }

    @Test("decodes escapes, surrogate pairs and raw UTF-8")
    func decodesStrings() throws {
        let parsed = JSONReader.read(#"["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00x", "ü日本", "\ud800"]"#)
        let values = try #require(parsed.value?.arrayValue)
        #expect(values.map(\.stringValue) == ["a\"b\\c/\n\t", "é😀x", "ü日本", "\u{FFFD}"])
    }

    @Test(
        "reports malformed input on its line instead of trapping",
        arguments: [
            ("{\n\"a\": [1,\n2,,]}", 3),
            ("{\"a\" 1}", 1),
            ("[1, 2", 1),
            ("\"unterminated", 1),
            ("[01]", 1),
            ("{} {}", 1),
            ("[tru]", 1),
            ("\"\\x\"", 1),
            ("", 1),
            ("-", 1),
            ("[1.]", 1),
        ]
    )
    func rejectsMalformed(input: String, line: Int) {
        let parsed = JSONReader.read(input)
        #expect(parsed.value == nil)
        #expect(parsed.diagnostics.count == 1)
        #expect(parsed.diagnostics.first?.line == line)
        #expect(parsed.diagnostics.first?.severity == .error)
    }

    @Test("refuses nesting beyond the limit without exhausting the stack")
    func limitsDepth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let parsed = JSONReader.read(deep)
        #expect(parsed.value == nil)
        #expect(parsed.diagnostics.first?.message.contains("nesting") == true)
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(JSONReader.read(fine).value != nil)
    }

    @Test("keeps 64-bit integers exact")
    func exactIntegers() {
        #expect(JSONReader.read("9223372036854775807").value == .integer(.max))
        #expect(JSONReader.read("18446744073709551616").value == .double(18446744073709551616))
    }

    /// Found by the nft-json fuzz target: a truncated document ending in a newline was reported on the line
    /// after the last one.
    @Test("a document cut short after its last newline is reported on its last line")
    func truncatedAfterNewline() {
        let parsed = JSONReader.read("{\"nftables\": [\n{\"a\": 1}\n")
        #expect(parsed.value == nil)
        #expect(parsed.diagnostics.map(\.line) == [2])
    }
}
