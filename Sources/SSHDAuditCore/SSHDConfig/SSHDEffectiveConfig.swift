/// sshd's effective configuration: every option with the value sshd uses, defaults included.
///
/// `entries` is what `sshd -T` prints, in its order and format; the typed properties are the values the
/// auditor's checks read.
public struct SSHDEffectiveConfig: Sendable, Hashable {
    /// One line of `sshd -T` output.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The lower-case keyword.
        public var keyword: String
        /// Everything after it.
        public var value: String

        public var description: String { "\(self.keyword) \(self.value)" }
    }

    let store: SSHDOptionStore
    /// Where sshd listens: each ListenAddress (or the wildcards) with each applicable port.
    public let listenAddresses: [SSHDListenAddress]
    /// Every line `sshd -T` would print, in its order.
    public let entries: [Entry]

    init(store: SSHDOptionStore, listenAddresses: [SSHDListenAddress]) {
        self.store = store
        self.listenAddresses = listenAddresses
        self.entries = Self.render(store, listenAddresses)
    }

    // MARK: - Lookups

    /// The values printed for `keyword` (any case; aliases such as `ChallengeResponseAuthentication` work).
    public func values(for keyword: String) -> [String] {
        let name = SSHDKeyword.named(keyword)?.canonicalName ?? keyword.lowercased()
        return self.entries.filter { $0.keyword == name }.map(\.value)
    }

    /// The single value printed for `keyword`, or `nil` when sshd prints none.
    public func value(for keyword: String) -> String? { self.values(for: keyword).first }

    /// The file and line that last changed `keyword` (any case, aliases accepted), or `nil` for a default.
    ///
    /// For keywords whose first value wins that is the line in effect; for accumulating ones (`Port`,
    /// `AllowUsers`) it is the last line that added a value.
    public func origin(of keyword: String) -> SSHDConfigOrigin? {
        let name = SSHDKeyword.named(keyword)?.canonicalName ?? keyword.lowercased()
        return self.store.origins[name]
    }

    /// The whole configuration in `sshd -T` format, one `keyword value` per line.
    public var text: String { self.entries.map { "\($0)\n" }.joined() }

    // MARK: - Typed accessors

    /// The `Port` values (22 when none is set).
    public var ports: [Int] { self.store.ports.isEmpty ? [22] : self.store.ports }
    /// `AddressFamily`.
    public var addressFamily: SSHDAddressFamily {
        self.value(for: "addressfamily").flatMap(SSHDAddressFamily.init(rawValue:)) ?? .any
    }
    /// `MaxStartups`.
    public var maxStartups: MaxStartups {
        MaxStartups(
            start: self.store.maxStartupsStart ?? MaxStartups.default.start,
            rate: self.store.maxStartupsRate ?? MaxStartups.default.rate,
            full: self.store.maxStartupsFull ?? MaxStartups.default.full
        )
    }
    /// `PerSourceMaxStartups`, `nil` for `none` (no per-source limit).
    public var perSourceMaxStartups: Int? { self.value(for: "persourcemaxstartups").flatMap { Int($0) } }
    /// `StrictModes`.
    public var strictModes: Bool { self.value(for: "strictmodes") == "yes" }
    /// `UsePAM`.
    public var usePAM: Bool { self.value(for: "usepam") == "yes" }
    /// `PasswordAuthentication`.
    public var passwordAuthentication: Bool { self.value(for: "passwordauthentication") == "yes" }
    /// `PubkeyAuthentication`.
    public var pubkeyAuthentication: Bool { self.value(for: "pubkeyauthentication") == "yes" }
    /// `KbdInteractiveAuthentication`.
    public var keyboardInteractiveAuthentication: Bool {
        self.value(for: "kbdinteractiveauthentication") == "yes"
    }
    /// `PermitRootLogin` as `sshd -T` prints it: `yes`, `no`, `without-password`, `forced-commands-only`.
    public var permitRootLogin: String { self.value(for: "permitrootlogin") ?? "without-password" }
    /// `AuthorizedKeysFile` paths, still holding their `%h`/`%u` tokens.
    public var authorizedKeysFiles: [String] {
        (self.value(for: "authorizedkeysfile") ?? "").split(separator: " ").map(String.init)
    }
    /// `AllowUsers` patterns (empty: everyone).
    public var allowUsers: [String] { self.values(for: "allowusers") }
    /// `DenyUsers` patterns.
    public var denyUsers: [String] { self.values(for: "denyusers") }
    /// `AllowGroups` patterns.
    public var allowGroups: [String] { self.values(for: "allowgroups") }
    /// `DenyGroups` patterns.
    public var denyGroups: [String] { self.values(for: "denygroups") }
    /// `LoginGraceTime` in seconds (0: no limit).
    public var loginGraceTime: Int { self.value(for: "logingracetime").flatMap { Int($0) } ?? 120 }
    /// `MaxAuthTries`.
    public var maxAuthTries: Int { self.value(for: "maxauthtries").flatMap { Int($0) } ?? 6 }

    // MARK: - Rendering

    /// How a keyword is printed by `dump_config`.
    private enum Layout {
        /// One line, with this default when unset.
        case single(String)
        /// One line per value; nothing when unset (or these defaults).
        case linePerValue([String])
        /// All values on one line; the default line when unset (`nil`: no line).
        case oneLine(String?)
        /// Algorithm lists: the default list, modified by `+`, `-`, `^` specs.
        case algorithms(String)
        /// Printed by custom code.
        case custom
    }

    /// `dump_config`'s order for Debian's OpenSSH 9.2, with Debian's defaults.
    private static let layout: [(String, Layout)] = [
        ("port", .custom), ("addressfamily", .single("any")), ("listenaddress", .custom),
        ("usepam", .single("no")), ("logingracetime", .single("120")), ("x11displayoffset", .single("10")),
        ("maxauthtries", .single("6")), ("maxsessions", .single("10")), ("clientaliveinterval", .single("0")),
        ("clientalivecountmax", .single("3")), ("requiredrsasize", .single("1024")),
        ("streamlocalbindmask", .single("0177")), ("unusedconnectiontimeout", .custom),
        ("permitrootlogin", .single("without-password")), ("ignorerhosts", .single("yes")),
        ("ignoreuserknownhosts", .single("no")), ("hostbasedauthentication", .single("no")),
        ("hostbasedusesnamefrompacketonly", .single("no")), ("pubkeyauthentication", .single("yes")),
        ("kerberosauthentication", .single("no")), ("kerberosorlocalpasswd", .single("yes")),
        ("kerberosticketcleanup", .single("yes")), ("gssapiauthentication", .single("no")),
        ("gssapicleanupcredentials", .single("yes")), ("gssapikeyexchange", .single("no")),
        ("gssapistrictacceptorcheck", .single("yes")), ("gssapistorecredentialsonrekey", .single("no")),
        (
            "gssapikexalgorithms",
            .single(
                "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-"
            )
        ),
        ("passwordauthentication", .single("yes")), ("kbdinteractiveauthentication", .single("yes")),
        ("printmotd", .single("yes")), ("printlastlog", .single("yes")), ("x11forwarding", .single("no")),
        ("x11uselocalhost", .single("yes")), ("permittty", .single("yes")), ("permituserrc", .single("yes")),
        ("strictmodes", .single("yes")), ("tcpkeepalive", .single("yes")), ("permitemptypasswords", .single("no")),
        ("compression", .single("yes")), ("gatewayports", .single("no")), ("usedns", .single("no")),
        ("allowtcpforwarding", .single("yes")), ("allowagentforwarding", .single("yes")),
        ("disableforwarding", .single("no")), ("allowstreamlocalforwarding", .single("yes")),
        ("streamlocalbindunlink", .single("no")), ("fingerprinthash", .single("SHA256")),
        ("exposeauthinfo", .single("no")), ("pidfile", .single("/run/sshd.pid")),
        ("modulifile", .single("/etc/ssh/moduli")), ("xauthlocation", .single("/usr/bin/xauth")),
        ("ciphers", .algorithms(SSHDAlgorithms.ciphers)), ("macs", .algorithms(SSHDAlgorithms.macs)),
        ("banner", .single("none")), ("forcecommand", .single("none")), ("chrootdirectory", .single("none")),
        ("trustedusercakeys", .single("none")), ("revokedkeys", .single("none")),
        ("securitykeyprovider", .single("internal")), ("authorizedprincipalsfile", .single("none")),
        ("versionaddendum", .custom), ("authorizedkeyscommand", .single("none")),
        ("authorizedkeyscommanduser", .single("none")), ("authorizedprincipalscommand", .single("none")),
        ("authorizedprincipalscommanduser", .single("none")), ("hostkeyagent", .single("none")),
        ("kexalgorithms", .algorithms(SSHDAlgorithms.kex)),
        ("casignaturealgorithms", .algorithms(SSHDAlgorithms.caSignature)),
        ("hostbasedacceptedalgorithms", .algorithms(SSHDAlgorithms.publicKeys)),
        ("hostkeyalgorithms", .algorithms(SSHDAlgorithms.publicKeys)),
        ("pubkeyacceptedalgorithms", .algorithms(SSHDAlgorithms.publicKeys)),
        ("loglevel", .single("INFO")), ("syslogfacility", .single("AUTH")),
        ("authorizedkeysfile", .oneLine(".ssh/authorized_keys .ssh/authorized_keys2")),
        (
            "hostkey",
            .linePerValue([
                "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key",
            ])
        ),
        ("hostcertificate", .linePerValue([])), ("allowusers", .linePerValue([])),
        ("denyusers", .linePerValue([])), ("allowgroups", .linePerValue([])), ("denygroups", .linePerValue([])),
        ("acceptenv", .linePerValue([])), ("setenv", .linePerValue([])), ("authenticationmethods", .custom),
        ("logverbose", .oneLine(nil)), ("channeltimeout", .oneLine(nil)), ("subsystem", .linePerValue([])),
        ("maxstartups", .custom), ("persourcemaxstartups", .single("none")),
        ("persourcenetblocksize", .single("32:128")), ("permittunnel", .single("no")),
        ("ipqos", .single("lowdelay throughput")), ("rekeylimit", .custom), ("permitopen", .oneLine("any")),
        ("permitlisten", .oneLine("any")), ("permituserenvironment", .single("no")),
        ("pubkeyauthoptions", .single("none")),
    ]

    private static func render(_ store: SSHDOptionStore, _ listen: [SSHDListenAddress]) -> [Entry] {
        var entries: [Entry] = []
        func add(_ keyword: String, _ value: String) { entries.append(Entry(keyword: keyword, value: value)) }
        for (keyword, layout) in self.layout {
            let set = store.values[keyword]
            switch layout {
            case .single(let fallback):
                add(keyword, set?.first ?? fallback)
            case .linePerValue(let fallback):
                for value in set ?? fallback { add(keyword, value) }
            case .oneLine(let fallback):
                // A lone "none" clears the list (`CLEAR_ON_NONE_ARRAY`).
                if keyword == "channeltimeout" && set == ["none"] { continue }
                if let line = set.map({ $0.joined(separator: " ") }) ?? fallback { add(keyword, line) }
            case .algorithms(let defaults):
                add(keyword, SSHDAlgorithms.assemble(set?.first, defaults: defaults))
            case .custom:
                switch keyword {
                case "port":
                    for port in store.ports.isEmpty ? [22] : store.ports { add("port", String(port)) }
                case "listenaddress":
                    for address in listen { add("listenaddress", address.description) }
                case "unusedconnectiontimeout":
                    let seconds = set?.first ?? "0"
                    add(keyword, seconds == "0" ? "none" : seconds)
                case "versionaddendum":
                    let text = set?.first ?? ""
                    add(keyword, text.isEmpty || text.lowercased() == "none" ? "none" : text)
                case "authenticationmethods":
                    let methods = set ?? []
                    add(keyword, methods.isEmpty || methods == ["any"] ? "any" : methods.joined(separator: " "))
                case "maxstartups":
                    let limits = MaxStartups(
                        start: store.maxStartupsStart ?? MaxStartups.default.start,
                        rate: store.maxStartupsRate ?? MaxStartups.default.rate,
                        full: store.maxStartupsFull ?? MaxStartups.default.full
                    )
                    add(keyword, limits.description)
                case "rekeylimit":
                    add(keyword, "\(set?.first ?? "0") \(store.values["rekeyinterval"]?.first ?? "0")")
                default:
                    break
                }
            }
        }
        return entries
    }
}
