import SSHDAuditCore

/// Fuzzes ``ProcNetTCPParser``.
///
/// Input: one control byte (bit 0: tcp6 instead of tcp, bit 1: big-endian kernel), then the table.
///
/// Invariants beyond "no crash": every diagnostic names an existing line, in order, and each line yields at
/// most one entry or diagnostic; every entry has the table's address family; and every entry, printed back in
/// the kernel's format (`/proc/net/tcp` rows as `tcp4_seq_show`/`tcp6_seq_show` write them), parses to the
/// same entry, so the parser reads exactly what the kernel writes.
@_cdecl("LLVMFuzzerTestOneInput")
public func procNetTCPFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let family: AddressFamily = control & 1 == 0 ? .ipv4 : .ipv6
    let byteOrder: ProcNetTCPParser.ByteOrder = control & 2 == 0 ? .littleEndian : .bigEndian
    let table = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let file = "/proc/net/tcp"

    let parsed = ProcNetTCPParser.parse(table, family: family, file: file, byteOrder: byteOrder)
    let lines = FuzzCheck.lineCount(table)
    FuzzCheck.requireLines(of: parsed.diagnostics, within: lines, file: file, "proc/net/tcp")
    FuzzCheck.requireOrdered(parsed.diagnostics, "proc/net/tcp")
    FuzzCheck.require(
        parsed.value.count + parsed.diagnostics.count <= lines,
        "\(parsed.value.count) entries and \(parsed.diagnostics.count) diagnostics from \(lines) lines"
    )

    var printed = Array(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n".utf8
    )
    for (index, entry) in parsed.value.enumerated() {
        FuzzCheck.require(entry.family == family, "entry of family \(entry.family) in a \(family) table")
        FuzzCheck.require(entry.local.address.family == family, "local address \(entry.local) in a \(family) table")
        FuzzCheck.require(entry.remote.address.family == family, "remote address \(entry.remote) in a \(family) table")
        printed += KernelRow.format(entry, slot: index, byteOrder: byteOrder)
    }
    let reparsed = ProcNetTCPParser.parse(printed, family: family, file: file, byteOrder: byteOrder)
    FuzzCheck.require(reparsed.diagnostics.isEmpty, "the kernel's own format was rejected: \(reparsed.diagnostics)")
    FuzzCheck.require(
        reparsed.value == parsed.value,
        "printing and re-parsing changed the entries: \(parsed.value) vs \(reparsed.value)"
    )
    return 0
}

/// Prints a ``TCPSocketEntry`` the way the kernel's `get_tcp4_sock`/`get_tcp6_sock` do.
enum KernelRow {
    static func format(_ entry: TCPSocketEntry, slot: Int, byteOrder: ProcNetTCPParser.ByteOrder) -> [UInt8] {
        var row = "\(Self.padded(String(slot), to: 4)): "
        row += Self.endpoint(entry.local, byteOrder: byteOrder) + " "
        row += Self.endpoint(entry.remote, byteOrder: byteOrder) + " "
        row += Self.hex(UInt64(entry.state.rawValue), digits: 2) + " "
        row += Self.hex(UInt64(entry.transmitQueue), digits: 8) + ":" + Self.hex(UInt64(entry.receiveQueue), digits: 8)
        row += " 00:00000000 00000000 \(Self.padded(String(entry.uid), to: 5))        0 \(entry.inode)"
        row += " 1 0000000000000000 100 0 0 10 0\n"
        return Array(row.utf8)
    }

    /// The address as the kernel prints it: 32-bit words of network-order bytes, each printed as a number in
    /// the kernel's byte order; then the port as 4 hex digits.
    static func endpoint(_ endpoint: TCPEndpoint, byteOrder: ProcNetTCPParser.ByteOrder) -> String {
        let bytes = endpoint.address.bytes
        var text = ""
        var start = 0
        while start + 4 <= bytes.count {
            let word = bytes[start..<start + 4]
            let ordered = byteOrder == .littleEndian ? Array(word.reversed()) : Array(word)
            text += ordered.map { Self.hex(UInt64($0), digits: 2) }.joined()
            start += 4
        }
        return text + ":" + Self.hex(UInt64(endpoint.port), digits: 4)
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    static func padded(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
