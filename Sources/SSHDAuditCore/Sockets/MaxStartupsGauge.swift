/// How close sshd is to its `MaxStartups` limit, read from the listener's process title.
///
/// Since OpenSSH 8.2 the listening sshd sets its title to `sshd: /usr/sbin/sshd -D [listener] 2 of
/// 10-100 startups`: 2 connections are not yet authenticated, and `MaxStartups 10:30:100` is in force.
/// sshd starts dropping new connections at random (at the configured rate) once ``active`` reaches
/// ``start``, and drops every new connection once it reaches ``full``. Clients see a dropped connection
/// as `kex_exchange_identification: Connection closed by remote host`, not as "Connection refused".
public struct MaxStartupsGauge: Sendable, Hashable, CustomStringConvertible {
    /// Connections accepted and not yet authenticated.
    public var active: Int
    /// The `start` of `MaxStartups start:rate:full`: the count at which random drops begin.
    public var start: Int
    /// The `full` of `MaxStartups start:rate:full`: the count at which every new connection is dropped.
    public var full: Int

    /// A gauge from its three numbers.
    public init(active: Int, start: Int, full: Int) {
        self.active = active
        self.start = start
        self.full = full
    }

    /// Whether sshd is dropping some new connections now (`active >= start`).
    public var isThrottling: Bool { self.active >= self.start }

    /// Whether sshd is dropping every new connection now (`active >= full`).
    public var isFull: Bool { self.active >= self.full }

    /// `2 of 10-100 startups`, as sshd writes it.
    public var description: String {
        "\(self.active) of \(self.start)-\(self.full) startups"
    }
}
