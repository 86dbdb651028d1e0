/// The options one pass over a config sets, keyed by the canonical keyword (`ServerOptions` in sshd).
///
/// A key is present only when the config set it; defaults are applied when the effective config is
/// built, exactly where sshd's `fill_default_server_options` would have filled them.
struct SSHDOptionStore: Sendable, Hashable {
    /// Values by canonical keyword: one element for single-valued options, one per entry for lists.
    var values: [String: [String]] = [:]
    /// Where each option in `values` was last changed.
    var origins: [String: SSHDConfigOrigin] = [:]
    /// `Port` lines, in order.
    var ports: [Int] = []
    /// `ListenAddress` lines, kept until every `Port` and `AddressFamily` is known (sshd queues them too).
    var listenAddresses: [QueuedListenAddress] = []
    /// `MaxStartups` fields; each line overwrites only the fields it names.
    var maxStartupsStart: Int?
    var maxStartupsRate: Int?
    var maxStartupsFull: Int?

    struct QueuedListenAddress: Sendable, Hashable {
        var host: String
        var port: Int?
        var file: String?
        var line: Int
    }

    func isSet(_ key: String) -> Bool { self.values[key] != nil }

    /// First value wins, as for most sshd options.
    mutating func setIfUnset(_ key: String, _ value: String) {
        if self.values[key] == nil { self.values[key] = [value] }
    }

    mutating func set(_ key: String, _ value: String) {
        self.values[key] = [value]
    }

    mutating func append(_ key: String, _ value: String) {
        self.values[key, default: []].append(value)
    }
}
