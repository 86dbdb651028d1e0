/// A parser's result: the value it could build, and the diagnostics it produced on the way.
public struct Parsed<Value> {
    /// What the parser understood; bad lines are left out of it, never guessed.
    public var value: Value
    /// Every problem found, in input order.
    public var diagnostics: [ParseDiagnostic]

    public init(value: Value, diagnostics: [ParseDiagnostic] = []) {
        self.value = value
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error, i.e. the consumer of this input would reject it.
    public var hasErrors: Bool {
        self.diagnostics.contains { $0.severity == .error }
    }
}

extension Parsed: Sendable where Value: Sendable {}
extension Parsed: Equatable where Value: Equatable {}
