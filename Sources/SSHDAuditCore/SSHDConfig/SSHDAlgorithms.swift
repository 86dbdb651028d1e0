/// The algorithm lists Debian's OpenSSH 9.2 offers by default, and sshd's `+`/`-`/`^` list edits
/// (`kex_assemble_names`).
enum SSHDAlgorithms {
    static let ciphers =
        "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"
    static let macs =
        "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
    static let kex =
        "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
    static let caSignature =
        "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
    static let publicKeys =
        "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

    /// The effective list: `spec` replaces the defaults, `+list` appends, `-patterns` removes, `^list` puts
    /// first; `nil` keeps the defaults.
    static func assemble(_ spec: String?, defaults: String) -> String {
        guard let spec, let first = spec.first else { return defaults }
        let base = defaults.split(separator: ",").map(String.init)
        let list = spec.dropFirst().split(separator: ",").map(String.init)
        switch first {
        case "+":
            return (base + list.filter { !base.contains($0) }).joined(separator: ",")
        case "-":
            let patterns = list.joined(separator: ",")
            return base.filter { SSHDPattern.matchList($0, patterns: patterns) != .matched }.joined(separator: ",")
        case "^":
            return (list + base.filter { !list.contains($0) }).joined(separator: ",")
        default:
            return spec
        }
    }
}
