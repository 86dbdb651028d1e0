/// Expands sshd's `AuthorizedKeysFile` patterns for one user, as OpenSSH's `expand_authorized_keys()`
/// in auth.c does: tokens `%%`, `%h` (home), `%u` (user name), `%U` (numeric uid); a result that is not
/// absolute is taken relative to the home directory.
public enum AuthorizedKeysPath {
    /// sshd's default when the keyword is absent.
    public static let defaultPatterns = [".ssh/authorized_keys", ".ssh/authorized_keys2"]

    /// The files sshd reads for the user, in order. `none` (sshd's "no files") yields nothing; an unknown
    /// `%x` token is an error diagnostic (sshd refuses such a config) and that pattern is dropped.
    public static func expand(
        _ patterns: [String],
        user: String,
        uid: UInt32,
        home: String
    ) -> Parsed<[String]> {
        var paths: [String] = []
        var diagnostics: [ParseDiagnostic] = []
        for (index, pattern) in patterns.enumerated() {
            if pattern.lowercased() == "none" { continue }
            var expanded = ""
            var valid = true
            var iterator = pattern.makeIterator()
            while let character = iterator.next() {
                guard character == "%" else {
                    expanded.append(character)
                    continue
                }
                switch iterator.next() {
                case "%": expanded.append("%")
                case "h": expanded += home
                case "u": expanded += user
                case "U": expanded += String(uid)
                case let other:
                    valid = false
                    let token = other.map { "%\($0)" } ?? "a trailing %"
                    diagnostics.append(
                        ParseDiagnostic(
                            line: index + 1,
                            severity: .error,
                            message: "AuthorizedKeysFile \(pattern): unknown token \(token)"
                        )
                    )
                }
                if !valid { break }
            }
            guard valid else { continue }
            if !expanded.hasPrefix("/") {
                expanded = StrictModes.normalized(home) + "/" + expanded
                if home == "/" { expanded = "/" + expanded.drop { $0 == "/" } }
            }
            paths.append(expanded)
        }
        return Parsed(value: paths, diagnostics: diagnostics)
    }
}
