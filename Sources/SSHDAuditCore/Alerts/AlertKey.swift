/// The identity of an alert: the check that raised it and, for checks that report several things at once,
/// the subject (a source address, a path, an address:port).
public struct AlertKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The check.
    public var check: CheckID
    /// The subject within the check; empty when the check reports one thing.
    public var subject: String

    public init(check: CheckID, subject: String = "") {
        self.check = check
        self.subject = subject
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.check.rawValue, lhs.subject) < (rhs.check.rawValue, rhs.subject)
    }

    /// `check` or `check[subject]`.
    public var description: String {
        self.subject.isEmpty ? self.check.rawValue : "\(self.check.rawValue)[\(self.subject)]"
    }
}
