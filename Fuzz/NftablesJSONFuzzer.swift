import SSHDAuditCore

/// Fuzzes ``JSONReader``, ``NftablesRulesetParser`` (`nft -j list ruleset`) and ``FirewallEvaluator``.
///
/// Invariants beyond "no crash": the byte and String entry points agree on valid UTF-8; diagnostics name
/// existing lines; evaluating the ruleset for port 22, with and without a source, terminates and yields blocks
/// for that port only when the ruleset has chains.
@_cdecl("LLVMFuzzerTestOneInput")
public func nftablesJSONFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let file = "ruleset.json"
    let parsed = NftablesRulesetParser.parse(bytes, file: file)
    FuzzCheck.requireLines(of: parsed.diagnostics, within: FuzzCheck.lineCount(bytes), file: file, "nft JSON")

    if let text = String(validating: bytes, as: UTF8.self) {
        let fromText = NftablesRulesetParser.parse(text, file: file)
        FuzzCheck.require(fromText == parsed, "bytes and String parses differ")
    }

    let source = IPAddress("203.0.113.7")
    for port: UInt16 in [22, 2222] {
        let blocks = FirewallEvaluator.blocks(in: parsed.value, port: port)
        let fromSource = FirewallEvaluator.blocks(in: parsed.value, port: port, source: source)
        FuzzCheck.require(
            parsed.value.chains.isEmpty ? blocks.isEmpty && fromSource.isEmpty : true,
            "blocks without chains"
        )
    }
    return 0
}
