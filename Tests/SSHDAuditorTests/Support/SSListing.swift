import Foundation
import TestSupport

/// The listening TCP sockets as `ss -ltnpH` reports them: the reference the sockets command is
/// compared with.
struct SSListing {
    /// `address:port` of every listener, written the way `sshd-auditor sockets` writes it.
    var endpoints: Set<String>
    /// The pids `ss -p` shows for each listener (empty when it shows none).
    var pids: [String: Set<Int32>]

    static let executable = "/usr/bin/ss"

    static func read() throws -> SSListing {
        let result = try runCommand(Self.executable, ["-ltnpH"], timeout: .seconds(20))
        guard result.status == 0 else { throw LiveTestError("ss -ltnpH failed: \(result.stderr)") }
        var listing = SSListing(endpoints: [], pids: [:])
        for line in result.stdout.split(separator: "\n") {
            // State Recv-Q Send-Q Local:Port Peer:Port [Process]
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5 else { continue }
            let endpoint = Self.normalise(String(fields[3]))
            listing.endpoints.insert(endpoint)
            let pids = line.matches(of: /pid=(\d+)/).compactMap { Int32($0.output.1) }
            listing.pids[endpoint, default: []].formUnion(pids)
        }
        return listing
    }

    /// Removes what /proc cannot know: the interface of a socket bound to a device (`127.0.0.53%lo:53`),
    /// and ss's `*` for an IPv6 wildcard socket that is not IPv6-only (see `TCPEndpoint.description`).
    static func normalise(_ endpoint: String) -> String {
        var text = endpoint
        if let percent = text.firstIndex(of: "%"), let colon = text.lastIndex(of: ":"), percent < colon {
            text.removeSubrange(percent..<colon)
        }
        if text.hasPrefix("*:") { text = "[::]" + text.dropFirst() }
        return text
    }
}
