/// Splits sshd_config text into lines and lines into a keyword and arguments, the way sshd does.
///
/// The rules are OpenSSH's: leading blanks are dropped when the file is read, the keyword ends at a blank,
/// a quote or one `=` (`Port=22`, `Port = 22`), and arguments are split by `argv_split` (double or single
/// quotes, backslash escapes, a `#` at the start of a token ends the line). It works on bytes: sshd does
/// not require UTF-8.
public enum SSHDConfigTokenizer {
    /// One meaningful line of a config file.
    public struct Line: Sendable, Hashable {
        /// The 1-based line number.
        public var number: Int
        /// The keyword as written (sshd compares it case-insensitively).
        public var keyword: String
        /// Everything after the keyword and its separator, unsplit (for `ForceCommand`, `Match`, ...).
        public var rest: String
        /// The arguments, or `nil` when a quote is not closed (sshd: "invalid quotes").
        public var arguments: [String]?
    }

    /// What one physical line holds.
    public enum Token: Sendable, Hashable {
        /// A keyword with at least one argument.
        case line(Line)
        /// A keyword with nothing after it (sshd: "no argument after keyword").
        case missingArgument(number: Int, keyword: String)
    }

    /// Tokenizes a whole file; blank and comment lines are left out.
    public static func tokenize(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var number = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            number += 1
            if let token = self.tokenize(line: bytes[start..<end], number: number) {
                tokens.append(token)
            }
            if end >= bytes.count { break }
            start = end + 1
        }
        return tokens
    }

    /// Tokenizes one line (without its newline); `nil` for blank lines and comments.
    public static func tokenize(line: ArraySlice<UInt8>, number: Int) -> Token? {
        var bytes = Array(line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
        // Trailing whitespace, and a form feed at the end of the line, are not part of the last argument.
        while let last = bytes.last, [0x20, 0x09, 0x0D, 0x0A, 0x0C].contains(last), bytes.count > 1 {
            bytes.removeLast()
        }
        var cursor: Int? = 0
        guard var keyword = self.nextDelimited(&bytes, &cursor) else { return nil }
        if keyword.isEmpty {
            guard let next = self.nextDelimited(&bytes, &cursor) else { return nil }
            keyword = next
        }
        if keyword.isEmpty || keyword.first == UInt8(ascii: "#") { return nil }
        let keywordText = String(decoding: keyword, as: UTF8.self)
        guard let restStart = cursor, restStart < bytes.count else {
            return .missingArgument(number: number, keyword: keywordText)
        }
        let rest = Array(bytes[restStart...])
        return .line(
            Line(
                number: number,
                keyword: keywordText,
                rest: String(decoding: rest, as: UTF8.self),
                arguments: self.splitArguments(rest)
            )
        )
    }

    /// OpenSSH's `strdelim`: the next token of `text`, splitting on blanks, one `=`, or a quoted string.
    /// Public for `Match`, whose criteria are read with the same rules.
    public static func delimitedTokens(_ text: String) -> [String]? {
        var bytes = Array(text.utf8)
        var cursor: Int? = 0
        var tokens: [String] = []
        while cursor != nil {
            guard let token = self.nextDelimited(&bytes, &cursor) else { return nil }
            if token.isEmpty && cursor == nil { break }
            tokens.append(String(decoding: token, as: UTF8.self))
        }
        return tokens
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func nextDelimited(_ bytes: inout [UInt8], _ cursor: inout Int?) -> [UInt8]? {
        guard let start = cursor else { return nil }
        guard
            let stop = bytes[start...].firstIndex(where: {
                self.isWhitespace($0) || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "=")
            })
        else {
            cursor = nil
            return Array(bytes[start...])
        }
        if bytes[stop] == UInt8(ascii: "\"") {
            bytes.remove(at: stop)
            guard let close = bytes[stop...].firstIndex(of: UInt8(ascii: "\"")) else {
                cursor = nil
                return nil
            }
            let token = Array(bytes[start..<close])
            var next = close + 1
            while next < bytes.count && self.isWhitespace(bytes[next]) { next += 1 }
            cursor = next
            return token
        }
        let token = Array(bytes[start..<stop])
        let sawEquals = bytes[stop] == UInt8(ascii: "=")
        var next = stop + 1
        while next < bytes.count && self.isWhitespace(bytes[next]) { next += 1 }
        if !sawEquals && next < bytes.count && bytes[next] == UInt8(ascii: "=") {
            next += 1
            while next < bytes.count && self.isWhitespace(bytes[next]) { next += 1 }
        }
        cursor = next
        return token
    }

    /// OpenSSH's `argv_split(..., terminate_on_comment = 1)`; `nil` when a quote is left open.
    public static func splitArguments(_ bytes: [UInt8]) -> [String]? {
        var arguments: [String] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "#") { break }
            var quote: UInt8 = 0
            var argument: [UInt8] = []
            while index < bytes.count {
                let c = bytes[index]
                if c == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    let n = bytes[index + 1]
                    if n == UInt8(ascii: "'") || n == UInt8(ascii: "\"") || n == UInt8(ascii: "\\")
                        || (quote == 0 && n == 0x20)
                    {
                        index += 1
                        argument.append(n)
                    } else {
                        argument.append(c)
                    }
                } else if quote == 0 && (c == 0x20 || c == 0x09) {
                    break
                } else if quote == 0 && (c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")) {
                    quote = c
                } else if quote != 0 && c == quote {
                    quote = 0
                } else {
                    argument.append(c)
                }
                index += 1
            }
            if index >= bytes.count && quote != 0 { return nil }
            arguments.append(String(decoding: argument, as: UTF8.self))
        }
        return arguments
    }
}
