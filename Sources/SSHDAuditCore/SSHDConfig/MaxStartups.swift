/// sshd's `MaxStartups start:rate:full`: from `start` unauthenticated connections sshd drops new ones with
/// probability `rate`%, rising linearly to 100% at `full`.
public struct MaxStartups: Sendable, Hashable, CustomStringConvertible {
    /// Unauthenticated connections before random early drop begins.
    public var start: Int
    /// The drop probability, in percent, at `start`.
    public var rate: Int
    /// Unauthenticated connections at which every new connection is refused.
    public var full: Int

    public init(start: Int, rate: Int, full: Int) {
        self.start = start
        self.rate = rate
        self.full = full
    }

    /// sshd's default, `10:30:100`.
    public static let `default` = MaxStartups(start: 10, rate: 30, full: 100)

    /// `start:rate:full`, as `sshd -T` prints it.
    public var description: String { "\(self.start):\(self.rate):\(self.full)" }
}
