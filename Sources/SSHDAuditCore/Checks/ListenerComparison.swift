/// Where sshd is configured to listen against where it listens, shared by `config-not-applied`,
/// `port-mismatch` and the Prometheus listening-port metric.
struct ListenerComparison {
    /// What the on-disk configuration asks for.
    var configured: [TCPEndpoint]
    /// What sshd (or its socket unit) listens on.
    var listening: [TCPEndpoint]
    /// Configured endpoints nothing of sshd's serves.
    var missing: [TCPEndpoint]
    /// sshd's endpoints the configuration does not ask for (left over from the configuration it started with).
    var extra: [TCPEndpoint]
    /// Configured endpoints held by a process that is not sshd, with that process.
    var foreign: [(endpoint: TCPEndpoint, owner: SocketOwner)]

    /// `nil` when the socket table was not read.
    init?(_ snapshot: AuditSnapshot) {
        guard let all = snapshot.listeners else { return nil }
        let configured = snapshot.configuredEndpoints.sorted()
        let configuredPorts = Set(configured.map(\.port))
        // Without owner information, the sockets on sshd's configured ports are the best guess of sshd's.
        let sshdSockets = snapshot.sshdListeners ?? all.filter { configuredPorts.contains($0.endpoint.port) }
        let listening = Array(Set(sshdSockets.map(\.endpoint))).sorted()
        let socketActivated = snapshot.isSocketActivated

        func serves(_ candidate: TCPEndpoint, _ wanted: TCPEndpoint) -> Bool {
            guard candidate.port == wanted.port else { return false }
            if candidate.address == wanted.address { return true }
            // systemd's ListenStream=22 binds [::]:22 dual-stack (BindIPv6Only=both): it serves 0.0.0.0:22 too.
            return socketActivated && candidate.address == .ipv6Unspecified && wanted.address == .ipv4Unspecified
        }
        self.configured = configured
        self.listening = listening
        self.missing = configured.filter { wanted in
            if listening.contains(where: { serves($0, wanted) }) { return false }
            // On a host without IPv6, sshd's bind to [::] fails harmlessly while 0.0.0.0 works.
            if wanted.address == .ipv6Unspecified {
                return !listening.contains { $0.port == wanted.port && $0.address == .ipv4Unspecified }
            }
            return true
        }
        self.extra = listening.filter { have in
            if configured.contains(where: { serves(have, $0) }) { return false }
            // The dual-stack [::] of a socket unit stands for both wildcards.
            return !(socketActivated && have.address == .ipv6Unspecified && configuredPorts.contains(have.port))
        }
        let sshdInodes = Set(sshdSockets.map(\.entry.inode))
        var foreign: [(endpoint: TCPEndpoint, owner: SocketOwner)] = []
        for wanted in configured {
            for other in all where !sshdInodes.contains(other.entry.inode) && other.endpoint.port == wanted.port {
                // A foreign socket on the same port and family conflicts when either side is a wildcard, or
                // both are the same address.
                let have = other.endpoint.address
                let conflicts =
                    have.family == wanted.address.family
                    && (have == wanted.address || have.isUnspecified || wanted.address.isUnspecified)
                guard conflicts else { continue }
                var seen: Set<Int32> = []
                for owner in other.owners where seen.insert(owner.pid).inserted {
                    foreign.append((wanted, owner))
                }
            }
        }
        self.foreign = foreign
    }

    /// The journal fields describing both sides.
    var fields: [String: String] {
        [
            FindingField.configuredPorts: Self.ports(self.configured),
            FindingField.configuredAddresses: self.configured.map(\.description).joined(separator: " "),
            FindingField.listeningPorts: Self.ports(self.listening),
            FindingField.listeningAddresses: self.listening.map(\.description).joined(separator: " "),
        ]
    }

    /// Distinct ports in ascending order, space separated.
    static func ports(_ endpoints: [TCPEndpoint]) -> String {
        Set(endpoints.map(\.port)).sorted().map(String.init).joined(separator: " ")
    }

    /// `sshd[812]`, or `[812]` when the command is unknown.
    static func label(_ owner: SocketOwner) -> String { "\(owner.command ?? "")[\(owner.pid)]" }
}
