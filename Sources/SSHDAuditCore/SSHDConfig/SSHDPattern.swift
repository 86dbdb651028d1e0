/// sshd's wildcard patterns: `*` and `?` globs, and comma-separated pattern lists with `!` negation.
///
/// These follow OpenSSH's `match_pattern` and `match_pattern_list` (match.c) byte for byte, so a pattern
/// means here exactly what it means to sshd.
public enum SSHDPattern {
    /// The result of matching a string against a pattern list.
    public enum ListMatch: Sendable, Hashable {
        /// A negated entry (`!pattern`) matched: the whole list fails, whatever else matched.
        case negated
        /// No entry matched.
        case none
        /// A positive entry matched and no negated one did.
        case matched
    }

    /// Whether `string` matches one glob `pattern` (`*` any run, `?` any one byte), case-sensitively.
    public static func matches(_ string: some StringProtocol, pattern: some StringProtocol) -> Bool {
        let s = Array(string.utf8)
        let p = Array(pattern.utf8)
        return self.matches(s[...], p[...])
    }

    private static func matches(_ s: ArraySlice<UInt8>, _ p: ArraySlice<UInt8>) -> Bool {
        var s = s
        var p = p
        while true {
            guard let first = p.first else { return s.isEmpty }
            if first == UInt8(ascii: "*") {
                while p.first == UInt8(ascii: "*") { p = p.dropFirst() }
                if p.isEmpty { return true }
                var rest = s
                while true {
                    if self.matches(rest, p) { return true }
                    if rest.isEmpty { return false }
                    rest = rest.dropFirst()
                }
            }
            guard let c = s.first else { return false }
            if first != UInt8(ascii: "?") && first != c { return false }
            s = s.dropFirst()
            p = p.dropFirst()
        }
    }

    /// Matches `string` against a comma-separated list such as `10.*,!10.0.0.1`, like `match_pattern_list`.
    ///
    /// - Parameter lowercasingPatterns: lower-case the patterns first, as sshd does for host names.
    public static func matchList(
        _ string: some StringProtocol,
        patterns list: some StringProtocol,
        lowercasingPatterns: Bool = false
    ) -> ListMatch {
        var gotPositive = false
        for rawEntry in list.split(separator: ",", omittingEmptySubsequences: false) {
            var entry = Substring(rawEntry)
            let negated = entry.first == "!"
            if negated { entry = entry.dropFirst() }
            let pattern = lowercasingPatterns ? entry.lowercased() : String(entry)
            if self.matches(string, pattern: pattern) {
                if negated { return .negated }
                gotPositive = true
            }
        }
        return gotPositive ? .matched : .none
    }
}
