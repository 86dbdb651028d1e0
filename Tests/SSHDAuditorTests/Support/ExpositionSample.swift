/// One sample line of the Prometheus text exposition format (`name{label="value",...} number`), parsed
/// strictly enough to catch what node_exporter's textfile collector would reject: a bad metric or label
/// name, an unquoted or badly escaped label value, a value that is not a number, anything after it.
struct ExpositionSample: Hashable {
    var name: String
    var labels: [String: String]
    var value: Double

    /// Parses `line`; `nil` when it is not a well-formed sample (comments and blank lines are not samples).
    init?(_ line: Substring) {
        var rest = line[...]
        guard let name = Self.takeName(&rest, allowColon: true) else { return nil }
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest.removeFirst()
            while rest.first != "}" {
                guard let label = Self.takeName(&rest, allowColon: false), rest.first == "=" else { return nil }
                rest.removeFirst()
                guard let value = Self.takeQuoted(&rest), labels.updateValue(value, forKey: label) == nil else {
                    return nil
                }
                if rest.first == "," { rest.removeFirst() } else if rest.first != "}" { return nil }
            }
            rest.removeFirst()
        }
        guard rest.first == " " else { return nil }
        rest.removeFirst()
        // No timestamp: the textfile collector rejects files whose samples carry one.
        guard let value = Double(rest) else { return nil }
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*` for metric names, without `:` for label names.
    private static func takeName(_ text: inout Substring, allowColon: Bool) -> String? {
        var name = ""
        while let character = text.first, character.isASCII,
            character.isLetter || character == "_" || (allowColon && character == ":")
                || (!name.isEmpty && character.isNumber)
        {
            name.append(character)
            text.removeFirst()
        }
        return name.isEmpty ? nil : name
    }

    /// A double-quoted label value with `\\`, `\"` and `\n` escapes.
    private static func takeQuoted(_ text: inout Substring) -> String? {
        guard text.first == "\"" else { return nil }
        text.removeFirst()
        var value = ""
        while let character = text.popFirst() {
            switch character {
            case "\"":
                return value
            case "\\":
                switch text.popFirst() {
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "n": value.append("\n")
                default: return nil
                }
            case "\n":
                return nil
            default:
                value.append(character)
            }
        }
        return nil
    }
}
