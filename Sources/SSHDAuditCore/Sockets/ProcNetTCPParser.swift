/// Parses the kernel's `/proc/net/tcp` and `/proc/net/tcp6` tables into ``TCPSocketEntry`` values.
///
/// The kernel writes one header line, then one row per socket (`net/ipv4/tcp_ipv4.c`, `get_tcp4_sock`):
///
/// ```
///   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
///    0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21342 1 ...
/// ```
///
/// Addresses are hex, but not in network byte order: the kernel prints each 32-bit word of the address
/// with `%08X` from the host's memory, so on a little-endian machine `127.0.0.1` appears as `0100007F`,
/// and `::1` as `00000000000000000000000001000000`. Ports are in plain hex (`0016` is 22). The parser
/// undoes the word order for the byte order of the machine that wrote the file, the host by default.
///
/// The parser reads only the first ten fields, through `inode`, which every kernel since 2.6 prints in
/// this order; the fields after them vary between kernels. It is lenient: a row it cannot read becomes
/// a diagnostic with its line number and is left out; it never traps. It works on bytes and allocates
/// nothing per good row beyond the entry itself, so a table of tens of thousands of sockets parses in
/// milliseconds.
public enum ProcNetTCPParser {
    /// The byte order of the machine whose kernel wrote the table.
    public enum ByteOrder: Sendable, Hashable {
        /// x86, most ARM and RISC-V systems.
        case littleEndian
        /// s390x, some PowerPC and MIPS systems.
        case bigEndian

        /// The byte order of the machine running this code.
        public static var host: ByteOrder {
            UInt32(1).littleEndian == 1 ? .littleEndian : .bigEndian
        }
    }

    /// How many leading fields a row needs: `sl` through `inode`.
    static let requiredFieldCount = 10

    /// Parses a whole `/proc/net/tcp` (`family: .ipv4`) or `/proc/net/tcp6` (`family: .ipv6`) table.
    ///
    /// - Parameters:
    ///   - bytes: The file's contents. The header line, if present, is skipped.
    ///   - family: Which of the two tables `bytes` holds; it fixes the width of the address fields.
    ///   - file: The path to name in diagnostics, if the bytes came from a file.
    ///   - byteOrder: The byte order of the kernel that wrote the table: the host's unless the bytes were
    ///     captured on another machine.
    /// - Returns: Every row that could be read, in file order, and a diagnostic for every row that could
    ///   not.
    public static func parse(
        _ bytes: [UInt8],
        family: AddressFamily,
        file: String? = nil,
        byteOrder: ByteOrder = .host
    ) -> Parsed<[TCPSocketEntry]> {
        bytes.withUnsafeBufferPointer { buffer in
            var rows = RowParser(buffer: buffer, family: family, file: file, byteOrder: byteOrder)
            return rows.parseAll()
        }
    }
}

/// The state of one pass over a table: the buffer, the current line, and what has been collected.
private struct RowParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let family: AddressFamily
    let file: String?
    let swapsWords: Bool
    /// The number of hex digits of an address: 8 for IPv4, 32 for IPv6.
    let addressDigits: Int

    var entries: [TCPSocketEntry] = []
    var diagnostics: [ParseDiagnostic] = []
    /// The field ranges of the current row, reused from row to row to avoid an allocation per row.
    var fields = [Range<Int>](repeating: 0..<0, count: ProcNetTCPParser.requiredFieldCount)
    var lineNumber = 0

    init(
        buffer: UnsafeBufferPointer<UInt8>,
        family: AddressFamily,
        file: String?,
        byteOrder: ProcNetTCPParser.ByteOrder
    ) {
        self.buffer = buffer
        self.family = family
        self.file = file
        self.swapsWords = byteOrder == .littleEndian
        self.addressDigits = family == .ipv4 ? 8 : 32
        // A row is about 150 bytes in tcp and 180 in tcp6.
        self.entries.reserveCapacity(buffer.count / 150)
    }

    mutating func parseAll() -> Parsed<[TCPSocketEntry]> {
        var lineStart = 0
        while lineStart < self.buffer.count {
            var lineEnd = lineStart
            while lineEnd < self.buffer.count, self.buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            self.lineNumber += 1
            self.parseLine(lineStart..<lineEnd)
            lineStart = lineEnd + 1
        }
        return Parsed(value: self.entries, diagnostics: self.diagnostics)
    }

    // MARK: - Rows

    private mutating func parseLine(_ line: Range<Int>) {
        let fieldCount = self.splitFields(line)
        if fieldCount == 0 { return }
        if self.lineNumber == 1, self.text(self.fields[0]) == "sl" { return }
        let required = ProcNetTCPParser.requiredFieldCount
        guard fieldCount == required else {
            self.report("truncated row: found \(fieldCount) of the \(required) fields from sl to inode; row skipped")
            return
        }
        guard let local = self.endpoint(self.fields[1]) else {
            return self.reportMalformed("local address", self.fields[1], expected: self.endpointFormat)
        }
        guard let remote = self.endpoint(self.fields[2]) else {
            return self.reportMalformed("remote address", self.fields[2], expected: self.endpointFormat)
        }
        guard self.fields[3].count <= 2, let stateValue = self.hex(self.fields[3]) else {
            return self.reportMalformed("state", self.fields[3], expected: "2 hex digits")
        }
        guard let state = TCPState(rawValue: UInt8(stateValue)) else {
            let hex = String(stateValue, radix: 16, uppercase: true)
            return self.report(
                "unknown TCP state 0x\(hex.count < 2 ? "0" + hex : hex); row skipped",
                severity: .warning
            )
        }
        guard let (transmitQueue, receiveQueue) = self.queues(self.fields[4]) else {
            return self.reportMalformed("queues", self.fields[4], expected: "tx_queue:rx_queue, 8 hex digits each")
        }
        guard let uid = self.decimal(self.fields[7]), uid <= UInt64(UInt32.max) else {
            return self.reportMalformed("uid", self.fields[7], expected: "a decimal number")
        }
        guard let inode = self.decimal(self.fields[9]) else {
            return self.reportMalformed("inode", self.fields[9], expected: "a decimal number")
        }
        self.entries.append(
            TCPSocketEntry(
                family: self.family,
                local: local,
                remote: remote,
                state: state,
                transmitQueue: transmitQueue,
                receiveQueue: receiveQueue,
                uid: UInt32(uid),
                inode: inode
            )
        )
    }

    /// Splits a line at runs of blanks into at most `requiredFieldCount` fields; returns how many it found.
    private mutating func splitFields(_ line: Range<Int>) -> Int {
        var count = 0
        var index = line.lowerBound
        while index < line.upperBound, count < ProcNetTCPParser.requiredFieldCount {
            while index < line.upperBound, Self.isBlank(self.buffer[index]) { index += 1 }
            if index == line.upperBound { break }
            let start = index
            while index < line.upperBound, !Self.isBlank(self.buffer[index]) { index += 1 }
            self.fields[count] = start..<index
            count += 1
        }
        return count
    }

    // MARK: - Fields

    private var endpointFormat: String {
        "\(self.addressDigits) hex digits, ':' and a 4-digit hex port"
    }

    /// `ADDRESS:PORT` with the address as `addressDigits` hex digits in host-order words.
    private func endpoint(_ field: Range<Int>) -> TCPEndpoint? {
        let colon = field.lowerBound + self.addressDigits
        guard field.count == self.addressDigits + 5, self.buffer[colon] == UInt8(ascii: ":"),
            let port = self.hex(colon + 1..<field.upperBound)
        else { return nil }
        var words: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        for index in 0..<(self.addressDigits / 8) {
            let start = field.lowerBound + 8 * index
            guard let value = self.hex(start..<start + 8) else { return nil }
            // The kernel printed the word as it sits in its memory; the address bytes are in network
            // order in that memory, so on a little-endian kernel the printed number is byte-swapped.
            let word = self.swapsWords ? UInt32(value).byteSwapped : UInt32(value)
            switch index {
            case 0: words.0 = word
            case 1: words.1 = word
            case 2: words.2 = word
            default: words.3 = word
            }
        }
        let address =
            self.family == .ipv4
            ? IPAddress(ipv4: words.0)
            : IPAddress(
                ipv6High: UInt64(words.0) << 32 | UInt64(words.1),
                low: UInt64(words.2) << 32 | UInt64(words.3)
            )
        return TCPEndpoint(address: address, port: UInt16(port))
    }

    /// `TX:RX`, each up to 8 hex digits.
    private func queues(_ field: Range<Int>) -> (UInt32, UInt32)? {
        guard let colon = field.firstIndex(where: { self.buffer[$0] == UInt8(ascii: ":") }),
            colon - field.lowerBound <= 8, field.upperBound - colon - 1 <= 8,
            let transmit = self.hex(field.lowerBound..<colon),
            let receive = self.hex(colon + 1..<field.upperBound)
        else { return nil }
        return (UInt32(transmit), UInt32(receive))
    }

    // MARK: - Numbers

    /// An unsigned hex number of 1 to 8 digits; `nil` for anything else.
    private func hex(_ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 8 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = self.buffer[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// An unsigned decimal number that fits in 64 bits; `nil` for anything else.
    private func decimal(_ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 20 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = self.buffer[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    // MARK: - Diagnostics

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self.buffer[range]), as: UTF8.self)
    }

    private mutating func reportMalformed(_ what: String, _ field: Range<Int>, expected: String) {
        self.report("malformed \(what) \"\(self.text(field))\": expected \(expected); row skipped")
    }

    private mutating func report(_ message: String, severity: ParseDiagnostic.Severity = .error) {
        self.diagnostics.append(
            ParseDiagnostic(file: self.file, line: self.lineNumber, severity: severity, message: message)
        )
    }
}
