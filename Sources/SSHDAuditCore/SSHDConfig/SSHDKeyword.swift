/// One sshd_config keyword as OpenSSH 9.2 (Debian 12's build) knows it: where it may appear, whether sshd
/// still honours it, and how its value is read.
///
/// The table mirrors `keywords[]` in OpenSSH's servconf.c, with Debian's GSSAPI key-exchange additions.
public struct SSHDKeyword: Sendable, Hashable {
    /// Whether sshd acts on the keyword.
    public enum Status: Sendable, Hashable {
        /// Read and applied.
        case supported
        /// Accepted with "Deprecated option" logged, then ignored.
        case deprecated
        /// Accepted with "Unsupported option" logged (not compiled into this sshd), then ignored.
        case unsupported
        /// Silently ignored (`Protocol`).
        case ignored
    }

    /// The name as sshd's table spells it (lower case); lookups are case-insensitive.
    public let name: String
    /// The name `sshd -T` prints for it: aliases print as their canonical keyword.
    public let canonicalName: String
    /// Whether the keyword may appear inside a `Match` block.
    public let isAllowedInMatch: Bool
    /// Whether sshd acts on it.
    public let status: Status
    let handler: Handler

    init(_ name: String, _ handler: Handler, match: Bool, canonical: String? = nil, status: Status = .supported) {
        self.name = name
        self.canonicalName = canonical ?? name
        self.isAllowedInMatch = match
        self.status = status
        self.handler = handler
    }

    /// The keyword named `name` (any case), or `nil` for an option sshd does not know.
    public static func named(_ name: String) -> SSHDKeyword? {
        self.byName[name.lowercased()]
    }

    /// Every keyword sshd 9.2 accepts, aliases included.
    public static var all: [SSHDKeyword] { self.table }

    private static let byName: [String: SSHDKeyword] = Dictionary(
        SSHDKeyword.table.map { ($0.name, $0) },
        uniquingKeysWith: { first, _ in first }
    )

    // MARK: - How a value is read

    /// The parsing routine sshd uses for a keyword (one `case` in `process_server_config_line_depth`).
    enum Handler: Sendable, Hashable {
        case choice(Choices)
        case integer
        case time
        case path
        case string
        case restOfLine(mustBeAbsoluteCommand: Bool)
        case algorithms
        case port
        case listenAddress
        case hostKey
        case hostCertificate
        case userPatterns
        case groupPatterns
        case acceptEnv
        case setEnv
        case subsystem
        case maxStartups
        case perSourceMaxStartups
        case perSourceNetBlockSize
        case ipQoS
        case rekeyLimit
        case logLevel
        case logFacility
        case logVerbose
        case authorizedKeysFile
        case permitOpen
        case permitUserEnvironment
        case pubkeyAuthOptions
        case permitTunnel
        case streamLocalBindMask
        case fingerprintHash
        case authenticationMethods
        case channelTimeout
        case unusedConnectionTimeout
        case routingDomain
        case include
        case match
        case obsolete
    }

    /// sshd's `multistate` tables: accepted words (any case) and the word `sshd -T` prints for each.
    enum Choices: String, Sendable, Hashable {
        case flag
        case ignoreRhosts
        case addressFamily
        case permitRootLogin
        case compression
        case gatewayPorts
        case forwarding

        var table: [(input: String, output: String)] {
            switch self {
            case .flag: [("yes", "yes"), ("no", "no")]
            case .ignoreRhosts: [("yes", "yes"), ("no", "no"), ("shosts-only", "shosts-only")]
            case .addressFamily: [("inet", "inet"), ("inet6", "inet6"), ("any", "any")]
            case .permitRootLogin:
                [
                    ("without-password", "without-password"), ("prohibit-password", "without-password"),
                    ("forced-commands-only", "forced-commands-only"), ("yes", "yes"), ("no", "no"),
                ]
            case .compression: [("yes", "yes"), ("delayed", "yes"), ("no", "no")]
            case .gatewayPorts: [("clientspecified", "clientspecified"), ("yes", "yes"), ("no", "no")]
            case .forwarding: [("yes", "yes"), ("all", "yes"), ("no", "no"), ("remote", "remote"), ("local", "local")]
            }
        }
    }

    // MARK: - The table

    private static let table: [SSHDKeyword] = [
        .init("usepam", .choice(.flag), match: false),
        .init("pamauthenticationviakbdint", .obsolete, match: false, status: .deprecated),
        .init("port", .port, match: false),
        .init("hostkey", .hostKey, match: false),
        .init("hostdsakey", .hostKey, match: false, canonical: "hostkey"),
        .init("hostkeyagent", .path, match: false),
        .init("pidfile", .path, match: false),
        .init("modulifile", .path, match: false),
        .init("serverkeybits", .obsolete, match: false, status: .deprecated),
        .init("logingracetime", .time, match: false),
        .init("keyregenerationinterval", .obsolete, match: false, status: .deprecated),
        .init("permitrootlogin", .choice(.permitRootLogin), match: true),
        .init("syslogfacility", .logFacility, match: false),
        .init("loglevel", .logLevel, match: true),
        .init("logverbose", .logVerbose, match: true),
        .init("rhostsauthentication", .obsolete, match: false, status: .deprecated),
        .init("rhostsrsaauthentication", .obsolete, match: true, status: .deprecated),
        .init("hostbasedauthentication", .choice(.flag), match: true),
        .init("hostbasedusesnamefrompacketonly", .choice(.flag), match: true),
        .init("hostbasedacceptedalgorithms", .algorithms, match: true),
        .init(
            "hostbasedacceptedkeytypes",
            .algorithms,
            match: true,
            canonical: "hostbasedacceptedalgorithms"
        ),
        .init("hostkeyalgorithms", .algorithms, match: false),
        .init("rsaauthentication", .obsolete, match: true, status: .deprecated),
        .init("pubkeyauthentication", .choice(.flag), match: true),
        .init("pubkeyacceptedalgorithms", .algorithms, match: true),
        .init("pubkeyacceptedkeytypes", .algorithms, match: true, canonical: "pubkeyacceptedalgorithms"),
        .init("pubkeyauthoptions", .pubkeyAuthOptions, match: true),
        .init("dsaauthentication", .choice(.flag), match: false, canonical: "pubkeyauthentication"),
        .init("kerberosauthentication", .choice(.flag), match: true),
        .init("kerberosorlocalpasswd", .choice(.flag), match: false),
        .init("kerberosticketcleanup", .choice(.flag), match: false),
        .init("kerberosgetafstoken", .obsolete, match: false, status: .unsupported),
        .init("kerberostgtpassing", .obsolete, match: false, status: .unsupported),
        .init("afstokenpassing", .obsolete, match: false, status: .unsupported),
        .init("gssapiauthentication", .choice(.flag), match: true),
        .init("gssapicleanupcredentials", .choice(.flag), match: false),
        .init("gssapicleanupcreds", .choice(.flag), match: false, canonical: "gssapicleanupcredentials"),
        .init("gssapistrictacceptorcheck", .choice(.flag), match: false),
        .init("gssapikeyexchange", .choice(.flag), match: false),
        .init("gssapistorecredentialsonrekey", .choice(.flag), match: false),
        .init("gssapikexalgorithms", .string, match: false),
        .init("gssapiusesessioncredcache", .obsolete, match: false, status: .unsupported),
        .init("passwordauthentication", .choice(.flag), match: true),
        .init("kbdinteractiveauthentication", .choice(.flag), match: true),
        .init(
            "challengeresponseauthentication",
            .choice(.flag),
            match: true,
            canonical: "kbdinteractiveauthentication"
        ),
        .init("skeyauthentication", .choice(.flag), match: true, canonical: "kbdinteractiveauthentication"),
        .init("checkmail", .obsolete, match: false, status: .deprecated),
        .init("listenaddress", .listenAddress, match: false),
        .init("addressfamily", .choice(.addressFamily), match: false),
        .init("printmotd", .choice(.flag), match: false),
        .init("printlastlog", .choice(.flag), match: false),
        .init("ignorerhosts", .choice(.ignoreRhosts), match: true),
        .init("ignoreuserknownhosts", .choice(.flag), match: false),
        .init("x11forwarding", .choice(.flag), match: true),
        .init("x11displayoffset", .integer, match: true),
        .init("x11uselocalhost", .choice(.flag), match: true),
        .init("xauthlocation", .path, match: false),
        .init("strictmodes", .choice(.flag), match: false),
        .init("permitemptypasswords", .choice(.flag), match: true),
        .init("permituserenvironment", .permitUserEnvironment, match: false),
        .init("uselogin", .obsolete, match: false, status: .deprecated),
        .init("compression", .choice(.compression), match: false),
        .init("rekeylimit", .rekeyLimit, match: true),
        .init("tcpkeepalive", .choice(.flag), match: false),
        .init("keepalive", .choice(.flag), match: false, canonical: "tcpkeepalive"),
        .init("allowtcpforwarding", .choice(.forwarding), match: true),
        .init("allowagentforwarding", .choice(.flag), match: true),
        .init("allowusers", .userPatterns, match: true),
        .init("denyusers", .userPatterns, match: true),
        .init("allowgroups", .groupPatterns, match: true),
        .init("denygroups", .groupPatterns, match: true),
        .init("ciphers", .algorithms, match: false),
        .init("macs", .algorithms, match: false),
        .init("protocol", .obsolete, match: false, status: .ignored),
        .init("gatewayports", .choice(.gatewayPorts), match: true),
        .init("subsystem", .subsystem, match: false),
        .init("maxstartups", .maxStartups, match: false),
        .init("persourcemaxstartups", .perSourceMaxStartups, match: false),
        .init("persourcenetblocksize", .perSourceNetBlockSize, match: false),
        .init("maxauthtries", .integer, match: true),
        .init("maxsessions", .integer, match: true),
        .init("banner", .path, match: true),
        .init("usedns", .choice(.flag), match: false),
        .init("verifyreversemapping", .obsolete, match: false, status: .deprecated),
        .init("reversemappingcheck", .obsolete, match: false, status: .deprecated),
        .init("clientaliveinterval", .time, match: true),
        .init("clientalivecountmax", .integer, match: true),
        .init("authorizedkeysfile", .authorizedKeysFile, match: true),
        .init("authorizedkeysfile2", .obsolete, match: true, status: .deprecated),
        .init("useprivilegeseparation", .obsolete, match: false, status: .deprecated),
        .init("acceptenv", .acceptEnv, match: true),
        .init("setenv", .setEnv, match: true),
        .init("permittunnel", .permitTunnel, match: true),
        .init("permittty", .choice(.flag), match: true),
        .init("permituserrc", .choice(.flag), match: true),
        .init("match", .match, match: true),
        .init("permitopen", .permitOpen, match: true),
        .init("permitlisten", .permitOpen, match: true),
        .init("forcecommand", .restOfLine(mustBeAbsoluteCommand: false), match: true),
        .init("chrootdirectory", .string, match: true),
        .init("hostcertificate", .hostCertificate, match: false),
        .init("revokedkeys", .path, match: true),
        .init("trustedusercakeys", .path, match: true),
        .init("authorizedprincipalsfile", .string, match: true),
        .init("kexalgorithms", .algorithms, match: false),
        .init("include", .include, match: true),
        .init("ipqos", .ipQoS, match: true),
        .init("authorizedkeyscommand", .restOfLine(mustBeAbsoluteCommand: true), match: true),
        .init("authorizedkeyscommanduser", .string, match: true),
        .init("authorizedprincipalscommand", .restOfLine(mustBeAbsoluteCommand: true), match: true),
        .init("authorizedprincipalscommanduser", .string, match: true),
        .init("versionaddendum", .restOfLine(mustBeAbsoluteCommand: false), match: false),
        .init("authenticationmethods", .authenticationMethods, match: true),
        .init("streamlocalbindmask", .streamLocalBindMask, match: true),
        .init("streamlocalbindunlink", .choice(.flag), match: true),
        .init("allowstreamlocalforwarding", .choice(.forwarding), match: true),
        .init("fingerprinthash", .fingerprintHash, match: false),
        .init("disableforwarding", .choice(.flag), match: true),
        .init("exposeauthinfo", .choice(.flag), match: true),
        .init("rdomain", .routingDomain, match: true),
        .init("casignaturealgorithms", .algorithms, match: true),
        .init("securitykeyprovider", .path, match: false),
        .init("requiredrsasize", .integer, match: true),
        .init("channeltimeout", .channelTimeout, match: true),
        .init("unusedconnectiontimeout", .unusedConnectionTimeout, match: true),
        .init("debianbanner", .choice(.flag), match: false),
    ]
}
