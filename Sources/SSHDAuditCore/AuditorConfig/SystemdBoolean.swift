/// Booleans as systemd accepts them (`yes`/`no`, `true`/`false`, `on`/`off`, `1`/`0`, also `y`/`n`, `t`/`f`),
/// case-insensitively.
public enum SystemdBoolean {
    /// The value of `text`, or `nil` when it is not a boolean.
    public static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "yes", "y", "true", "t", "on": true
        case "0", "no", "n", "false", "f", "off": false
        default: nil
        }
    }

    /// How the auditor writes booleans: `yes` or `no`.
    public static func format(_ value: Bool) -> String { value ? "yes" : "no" }
}
