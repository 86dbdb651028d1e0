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

    var printed = KernelRow.header
    printed.reserveCapacity(KernelRow.header.count + parsed.value.count * KernelRow.typicalLength)
    for (index, entry) in parsed.value.enumerated() {
        FuzzCheck.require(entry.family == family, "entry of family \(entry.family) in a \(family) table")
        FuzzCheck.require(entry.local.address.family == family, "local address \(entry.local) in a \(family) table")
        FuzzCheck.require(entry.remote.address.family == family, "remote address \(entry.remote) in a \(family) table")
        KernelRow.append(entry, slot: index, byteOrder: byteOrder, to: &printed)
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
///
/// It appends bytes to one buffer for the whole table rather than building each row from `String` pieces,
/// whose dozen allocations per row made printing cost half as much as parsing.
enum KernelRow {
    /// The table's header line, as `tcp4_seq_show` prints it.
    static let header = Array(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n".utf8
    )
    /// About the length of an IPv6 row, to reserve the printed table's room in one go.
    static let typicalLength = 180
    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Appends the row in slot `slot` (`%4d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u
    /// 0 %lu ...`, the timer fields zero).
    static func append(
        _ entry: TCPSocketEntry,
        slot: Int,
        byteOrder: ProcNetTCPParser.ByteOrder,
        to row: inout [UInt8]
    ) {
        Self.appendDecimal(UInt64(slot), width: 4, to: &row)
        row += ": ".utf8
        Self.appendEndpoint(entry.local, byteOrder: byteOrder, to: &row)
        row.append(UInt8(ascii: " "))
        Self.appendEndpoint(entry.remote, byteOrder: byteOrder, to: &row)
        row.append(UInt8(ascii: " "))
        Self.appendHex(UInt64(entry.state.rawValue), digits: 2, to: &row)
        row.append(UInt8(ascii: " "))
        Self.appendHex(UInt64(entry.transmitQueue), digits: 8, to: &row)
        row.append(UInt8(ascii: ":"))
        Self.appendHex(UInt64(entry.receiveQueue), digits: 8, to: &row)
        row += " 00:00000000 00000000 ".utf8
        Self.appendDecimal(UInt64(entry.uid), width: 5, to: &row)
        row += "        0 ".utf8
        Self.appendDecimal(entry.inode, width: 0, to: &row)
        row += " 1 0000000000000000 100 0 0 10 0\n".utf8
    }

    /// The address as the kernel prints it: 32-bit words of network-order bytes, each printed as a number in
    /// the kernel's byte order; then the port as 4 hex digits.
    static func appendEndpoint(_ endpoint: TCPEndpoint, byteOrder: ProcNetTCPParser.ByteOrder, to row: inout [UInt8]) {
        let bytes = endpoint.address.bytes
        var start = 0
        while start + 4 <= bytes.count {
            for offset in 0..<4 {
                let byte = bytes[start + (byteOrder == .littleEndian ? 3 - offset : offset)]
                Self.appendHex(UInt64(byte), digits: 2, to: &row)
            }
            start += 4
        }
        row.append(UInt8(ascii: ":"))
        Self.appendHex(UInt64(endpoint.port), digits: 4, to: &row)
    }

    /// `value` in upper-case hex, zero-padded to at least `digits` digits (`%0*X`).
    static func appendHex(_ value: UInt64, digits: Int, to row: inout [UInt8]) {
        var count = 1
        while count < 16, value >> UInt64(4 * count) != 0 { count += 1 }
        for _ in count..<max(count, digits) { row.append(UInt8(ascii: "0")) }
        for position in (0..<count).reversed() {
            row.append(Self.hexDigits[Int(truncatingIfNeeded: (value >> UInt64(4 * position)) & 0xF)])
        }
    }

    /// `value` in decimal, right-aligned in `width` columns with spaces (`%*u`).
    static func appendDecimal(_ value: UInt64, width: Int, to row: inout [UInt8]) {
        var divisor: UInt64 = 1
        var count = 1
        while count < 20, value / divisor >= 10 {
            divisor *= 10
            count += 1
        }
        for _ in count..<max(count, width) { row.append(UInt8(ascii: " ")) }
        while divisor > 0 {
            row.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / divisor % 10))
            divisor /= 10
        }
    }
}
