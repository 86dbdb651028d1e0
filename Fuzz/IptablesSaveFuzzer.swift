import SSHDAuditCore

/// Fuzzes ``IptablesSaveParser`` (`iptables-save` / `ip6tables-save` output) and ``FirewallEvaluator``.
///
/// Input: one control byte (bit 0: the ip6 family), then the text.
///
/// Invariants beyond "no crash": diagnostics name existing lines, in order; evaluating the ruleset for port 22,
/// with and without a source, terminates and yields no block when the ruleset has no chains.
@_cdecl("LLVMFuzzerTestOneInput")
public func iptablesSaveFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let family = data[0] & 1 == 0 ? "ip" : "ip6"
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let file = "iptables.rules"
    // As many lines as splitting at every `Character.isNewline` gives, counted without building them.
    let lineCount = FuzzCheck.newlineSeparatedCount(text)
    let parsed = IptablesSaveParser.parse(text, family: family, file: file)
    FuzzCheck.requireLines(of: parsed.diagnostics, within: lineCount, file: file, "iptables-save")
    FuzzCheck.requireOrdered(parsed.diagnostics, "iptables-save")
    _ = IptablesSaveParser.usesNftablesBackend(text)

    let source = IPAddress(family == "ip" ? "203.0.113.7" : "2001:db8::7")
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
