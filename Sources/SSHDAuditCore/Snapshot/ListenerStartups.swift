/// The MaxStartups gauge from the sshd listener's process title (`[listener] 2 of 10-100 startups`):
/// unauthenticated connections now, and the start and full values in force in the running sshd.
public struct ListenerStartups: Sendable, Hashable {
    /// Unauthenticated connections now.
    public var active: Int
    /// MaxStartups start: from here on sshd refuses connections at random.
    public var start: Int
    /// MaxStartups full: from here on sshd refuses every connection.
    public var full: Int

    public init(active: Int, start: Int, full: Int) {
        self.active = active
        self.start = start
        self.full = full
    }
}
