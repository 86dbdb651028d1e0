/// Where sshd is configured to listen against where it listens, shared by `config-not-applied` and
/// `port-mismatch`.
struct ListenerComparison {
    /// What the on-disk configuration asks for.
    var configured: [ListenerEndpoint]
    /// What sshd (or its socket unit) listens on.
    var listening: [ListenerEndpoint]
    /// Configured endpoints nothing of sshd's serves.
    var missing: [ListenerEndpoint]
    /// sshd's endpoints the configuration does not ask for (left over from the configuration it started with).
    var extra: [ListenerEndpoint]
    /// Configured endpoints held by a process that is not sshd, with that process.
    var foreign: [(endpoint: ListenerEndpoint, holder: ListenerEndpoint.Holder)]

    /// `nil` when the socket table was not read.
    init?(_ snapshot: AuditSnapshot) {
        guard let all = snapshot.listeners else { return nil }
        self.configured = snapshot.configuredEndpoints.sorted()
        let configuredPorts = Set(self.configured.map(\.port))
        // Without holder information, the sockets on sshd's configured ports are the best guess of sshd's.
        self.listening = (snapshot.sshdListeners ?? all.filter { configuredPorts.contains($0.port) }).sorted()
        let listening = self.listening
        let socketActivated = snapshot.isSocketActivated

        func serves(_ candidate: ListenerEndpoint, _ wanted: ListenerEndpoint) -> Bool {
            guard candidate.port == wanted.port else { return false }
            if candidate.address == wanted.address { return true }
            // systemd's ListenStream=22 binds [::]:22 dual-stack (BindIPv6Only=both): it serves 0.0.0.0:22 too.
            return socketActivated && candidate.address == "::" && wanted.address == "0.0.0.0"
        }
        self.missing = self.configured.filter { wanted in
            if listening.contains(where: { serves($0, wanted) }) { return false }
            // On a host without IPv6, sshd's bind to [::] fails harmlessly while 0.0.0.0 works.
            if wanted.address == "::" {
                return !listening.contains { $0.port == wanted.port && $0.address == "0.0.0.0" }
            }
            return true
        }
        let configured = self.configured
        self.extra = listening.filter { have in
            !configured.contains { serves(have, $0) || (have.port == $0.port && have.address == $0.address) }
        }
        .filter { have in
            // The dual-stack [::] of a socket unit stands for both wildcards.
            !(socketActivated && have.address == "::" && configured.contains { $0.port == have.port })
        }
        let sshdSet = Set(listening)
        var foreign: [(endpoint: ListenerEndpoint, holder: ListenerEndpoint.Holder)] = []
        for wanted in self.configured {
            for other in all where !sshdSet.contains(other) && other.port == wanted.port {
                // A foreign socket on the same port conflicts when either side is a wildcard or they are equal.
                let conflicts =
                    other.address == wanted.address || other.address == "0.0.0.0" || other.address == "::"
                    || wanted.address == "0.0.0.0" || wanted.address == "::"
                guard conflicts, other.isIPv6 == wanted.isIPv6 else { continue }
                for holder in other.holders
                where !foreign.contains(where: { $0.holder == holder && $0.endpoint == wanted }) {
                    foreign.append((wanted, holder))
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
    static func ports(_ endpoints: [ListenerEndpoint]) -> String {
        Set(endpoints.map(\.port)).sorted().map(String.init).joined(separator: " ")
    }
}
