extension SSHDConfigEvaluator {
    /// One evaluation: the passes over the files and the diagnostics they produce.
    struct Run {
        /// Thrown after a fatal diagnostic is recorded: sshd exits at that point.
        struct Stop: Error {}

        /// sshd's include flags: what `Match` means inside an included file.
        struct Flags {
            /// The file was included from a block that does not apply: its `Match` lines never match.
            var neverMatch = false
            /// Second pass, before the first `Match`: global lines are already applied.
            var matchOnly = false
        }

        let environment: any SSHDConfigEnvironment
        var diagnostics: [ParseDiagnostic] = []
        /// Whether non-fatal diagnostics are recorded (off in the second pass, which would repeat them).
        var recordsWarnings = true

        init(environment: any SSHDConfigEnvironment) {
            self.environment = environment
        }

        // MARK: - Diagnostics

        private mutating func report(_ file: String, _ line: Int, _ severity: ParseDiagnostic.Severity, _ text: String)
        {
            guard self.recordsWarnings || severity == .error else { return }
            let diagnostic = ParseDiagnostic(file: file, line: line, severity: severity, message: text)
            if !self.diagnostics.contains(diagnostic) { self.diagnostics.append(diagnostic) }
        }

        private mutating func fatal(_ file: String, _ line: Int, _ text: String) throws(Stop) -> Never {
            self.diagnostics.append(ParseDiagnostic(file: file, line: line, severity: .error, message: text))
            throw Stop()
        }

        // MARK: - Files and lines

        mutating func parse(
            file: String,
            bytes: [UInt8],
            into store: inout SSHDOptionStore,
            connection: SSHDConnectionSpec?,
            flags: Flags,
            active: inout Bool,
            depth: Int
        ) throws(Stop) {
            var flags = flags
            var badOptions = 0
            for token in SSHDConfigTokenizer.tokenize(bytes) {
                switch token {
                case .missingArgument(let number, let keyword):
                    self.report(file, number, .error, "no argument after keyword \"\(keyword)\"")
                    badOptions += 1
                case .line(let line):
                    let context = Context(file: file, line: line, connection: connection, depth: depth)
                    if try !self.process(context, into: &store, flags: &flags, active: &active) {
                        badOptions += 1
                    }
                }
            }
            if badOptions > 0 {
                // sshd reads the whole file, then refuses it: every bad line above is already reported.
                throw Stop()
            }
        }

        /// Where a line is and which pass reads it.
        struct Context {
            var file: String
            var line: SSHDConfigTokenizer.Line
            var connection: SSHDConnectionSpec?
            var depth: Int
            var isFirstPass: Bool { self.connection == nil }
        }

        /// Processes one line; `false` for a "bad option" (reported, and fatal once the file is read).
        private mutating func process(
            _ context: Context,
            into store: inout SSHDOptionStore,
            flags: inout Flags,
            active: inout Bool
        ) throws(Stop) -> Bool {
            let file = context.file
            let number = context.line.number
            let written = context.line.keyword
            let keyword = SSHDKeyword.named(written)
            if keyword == nil {
                self.report(file, number, .error, "Bad configuration option: \(written)")
            }
            guard var arguments = context.line.arguments else {
                self.report(file, number, .error, "invalid quotes")
                return false
            }
            if !active && !(keyword?.isAllowedInMatch ?? false) {
                guard context.isFirstPass else { return true }
                try self.fatal(file, number, "Directive '\(written)' is not allowed within a Match block")
            }
            guard let keyword else { return false }
            var cursor = Arguments(values: arguments)
            let before = store
            defer {
                // An Include line records nothing itself: the included lines already named their origins.
                let origin = SSHDConfigOrigin(file: file, line: number)
                func record(_ key: String, changed: Bool) {
                    if changed && store.origins[key] == before.origins[key] { store.origins[key] = origin }
                }
                for (key, value) in store.values { record(key, changed: before.values[key] != value) }
                record("port", changed: store.ports != before.ports)
                record("listenaddress", changed: store.listenAddresses != before.listenAddresses)
                record(
                    "maxstartups",
                    changed: (store.maxStartupsStart, store.maxStartupsRate, store.maxStartupsFull)
                        != (before.maxStartupsStart, before.maxStartupsRate, before.maxStartupsFull)
                )
            }
            let ok = try self.apply(keyword, context, &cursor, into: &store, flags: &flags, active: &active)
            guard ok else { return false }
            arguments = Array(cursor.values[cursor.index...])
            if !arguments.isEmpty {
                self.report(file, number, .error, "keyword \(written) extra arguments at end of line")
                return false
            }
            return true
        }

        /// The arguments of a line, consumed left to right (`argv_next`).
        struct Arguments {
            var values: [String]
            var index = 0
            var remaining: Int { self.values.count - self.index }
            mutating func next() -> String? {
                guard self.index < self.values.count else { return nil }
                defer { self.index += 1 }
                return self.values[self.index]
            }
            mutating func consumeAll() { self.index = self.values.count }
        }

        // MARK: - Keywords

        // One case per handler in sshd's process_server_config_line_depth; messages are sshd's.
        private mutating func apply(
            _ keyword: SSHDKeyword,
            _ context: Context,
            _ args: inout Arguments,
            into store: inout SSHDOptionStore,
            flags: inout Flags,
            active: inout Bool
        ) throws(Stop) -> Bool {
            let file = context.file
            let number = context.line.number
            let written = context.line.keyword
            let key = keyword.canonicalName

            func required(_ message: String) throws(Stop) -> String {
                guard let value = args.next(), !value.isEmpty else { try self.fatal(file, number, message) }
                return value
            }

            switch keyword.handler {
            case .choice(let choices):
                let value = try required("missing argument.")
                guard let choice = choices.table.first(where: { $0.input == value.lowercased() }) else {
                    try self.fatal(file, number, "unsupported option \"\(value)\".")
                }
                if active { store.setIfUnset(key, choice.output) }

            case .integer:
                let (parsed, problem) = SSHDValueParsing.count(args.next())
                guard let parsed else {
                    try self.fatal(file, number, "\(written) integer value \(problem ?? "invalid").")
                }
                if active { store.setIfUnset(key, String(parsed)) }

            case .time:
                let value = try required("missing time value.")
                guard let seconds = SSHDValueParsing.seconds(value) else {
                    try self.fatal(file, number, "invalid time value.")
                }
                if active { store.setIfUnset(key, String(seconds)) }

            case .path:
                let value = try required("missing file name.")
                self.warnIfRelative(value, keyword: keyword, file: file, line: number)
                if active { store.setIfUnset(key, value) }

            case .string:
                let value = try required("\(written) missing argument.")
                if active { store.setIfUnset(key, value) }

            case .restOfLine(let mustBeAbsoluteCommand):
                let text = context.line.rest
                if mustBeAbsoluteCommand && !text.hasPrefix("/") && text.lowercased() != "none" {
                    try self.fatal(file, number, "\(written) must be an absolute path")
                }
                if key == "versionaddendum" && text.contains("\r") {
                    try self.fatal(file, number, "Invalid \(written) argument")
                }
                // sshd tests AuthorizedKeysCommand for both command keywords (servconf.c `parse_command`).
                let guardKey = mustBeAbsoluteCommand ? "authorizedkeyscommand" : key
                if active && !store.isSet(guardKey) { store.set(key, text) }
                args.consumeAll()

            case .algorithms:
                let value = try required("\(written) missing argument.")
                if active { store.setIfUnset(key, value) }

            case .port:
                if store.ports.count >= 256 { try self.fatal(file, number, "too many ports.") }
                let value = try required("missing port number.")
                guard let port = SSHDValueParsing.port(value), port > 0 else {
                    try self.fatal(file, number, "Badly formatted port number.")
                }
                store.ports.append(port)

            case .listenAddress:
                try self.listenAddress(context, &args, into: &store)

            case .hostKey, .hostCertificate:
                let value = try required("missing file name.")
                self.warnIfRelative(value, keyword: keyword, file: file, line: number)
                if active { store.append(key, value) }

            case .userPatterns:
                while let value = args.next() {
                    let hostPart = value.split(separator: "@", maxSplits: 1).dropFirst().first.map(String.init)
                    if value.isEmpty || (hostPart.map { SSHDAddressList.validate($0) != nil } ?? false) {
                        try self.fatal(file, number, "invalid \(written) pattern: \"\(value)\"")
                    }
                    if active { store.append(key, value) }
                }

            case .groupPatterns:
                while let value = args.next() {
                    if value.isEmpty { try self.fatal(file, number, "empty \(written) pattern") }
                    if active { store.append(key, value) }
                }

            case .acceptEnv:
                while let value = args.next() {
                    if value.isEmpty || value.contains("=") {
                        try self.fatal(file, number, "Invalid environment name.")
                    }
                    if active { store.append(key, value) }
                }

            case .setEnv:
                let firstLine = !store.isSet(key)
                while let value = args.next() {
                    guard let equals = value.firstIndex(of: "="), !value.isEmpty else {
                        try self.fatal(file, number, "Invalid environment.")
                    }
                    guard active && firstLine else { continue }
                    let name = value[..<equals]
                    let existing = store.values[key] ?? []
                    if existing.contains(where: { $0.split(separator: "=", maxSplits: 1).first == name }) { continue }
                    store.append(key, value)
                }

            case .subsystem:
                let existing = store.values[key] ?? []
                if existing.count >= 256 { try self.fatal(file, number, "too many subsystems defined.") }
                let name = try required("\(written) missing argument.")
                if existing.contains(where: { $0.split(separator: " ").first.map(String.init) == name }) {
                    try self.fatal(file, number, "Subsystem '\(name)' already defined.")
                }
                let command = try required("Missing subsystem command.")
                var line = "\(name) \(command)"
                while let more = args.next() { line += " \(more)" }
                if active { store.append(key, line) }

            case .maxStartups:
                let value = try required("\(written) missing argument.")
                let fields = SSHDValueParsing.colonFields(value, count: 3)
                let invalid = "Invalid \(written) spec."
                switch fields.count {
                case 3:
                    (store.maxStartupsStart, store.maxStartupsRate, store.maxStartupsFull) =
                        (fields[0], fields[1], fields[2])
                    if fields[0] > fields[2] || fields[1] > 100 || fields[1] < 1 {
                        try self.fatal(file, number, invalid)
                    }
                case 1:
                    store.maxStartupsStart = fields[0]
                    store.maxStartupsFull = fields[0]
                default:
                    try self.fatal(file, number, invalid)
                }
                if (store.maxStartupsFull ?? 100) <= 0 || (store.maxStartupsStart ?? 10) <= 0 {
                    try self.fatal(file, number, invalid)
                }

            case .perSourceMaxStartups:
                let value = try required("\(written) missing argument.")
                var rendered = "none"
                if value != "none" {
                    let (parsed, problem) = SSHDValueParsing.count(value)
                    guard let parsed else {
                        try self.fatal(file, number, "\(written) integer value \(problem ?? "invalid").")
                    }
                    rendered = String(parsed)
                }
                if active { store.set(key, rendered) }

            case .perSourceNetBlockSize:
                let value = try required("\(written) missing argument.")
                let fields = SSHDValueParsing.colonFields(value, count: 2)
                // With one field sshd leaves the IPv6 length uninitialised; it reads as 0 in practice.
                let ipv4 = fields.first ?? -1
                let ipv6 = fields.count == 2 ? fields[1] : 0
                guard (1...2).contains(fields.count), (0...32).contains(ipv4), (0...128).contains(ipv6) else {
                    try self.fatal(file, number, "Invalid \(written) spec.")
                }
                if active { store.set(key, "\(ipv4):\(ipv6)") }

            case .ipQoS:
                let first = try required("\(written) missing argument.")
                guard let interactive = SSHDValueParsing.ipQoS(first) else {
                    try self.fatal(file, number, "Bad \(written) value: \(first)")
                }
                var bulk = interactive
                if let second = args.next() {
                    guard let parsed = SSHDValueParsing.ipQoS(second) else {
                        try self.fatal(file, number, "Bad \(written) value: \(second)")
                    }
                    bulk = parsed
                }
                if active {
                    store.set(
                        key,
                        "\(SSHDValueParsing.ipQoSName(interactive)) \(SSHDValueParsing.ipQoSName(bulk))"
                    )
                }

            case .rekeyLimit:
                let value = try required("\(written) missing argument.")
                var bytes = 0
                if value != "default" {
                    guard let parsed = SSHDValueParsing.scaledBytes(value) else {
                        try self.fatal(file, number, "Bad \(written) number '\(value)'")
                    }
                    if parsed != 0 && parsed < 16 { try self.fatal(file, number, "\(written) too small") }
                    bytes = parsed
                }
                if active { store.setIfUnset(key, String(bytes)) }
                if let interval = args.next(), interval != "none" {
                    guard let seconds = SSHDValueParsing.seconds(interval) else {
                        try self.fatal(file, number, "invalid time value.")
                    }
                    if active { store.setIfUnset("rekeyinterval", String(seconds)) }
                }

            case .logLevel:
                let value = args.next() ?? ""
                guard let level = SSHDValueParsing.logLevel(value) else {
                    try self.fatal(file, number, "unsupported log level '\(value)'")
                }
                if active { store.setIfUnset(key, level) }

            case .logFacility:
                let value = args.next() ?? ""
                guard let facility = SSHDValueParsing.logFacility(value) else {
                    try self.fatal(file, number, "unsupported log facility '\(value)'")
                }
                store.setIfUnset(key, facility)

            case .logVerbose, .channelTimeout:
                let firstLine = !store.isSet(key)
                var position = 0
                while let value = args.next() {
                    if value.isEmpty {
                        self.report(file, number, .error, "keyword \(written) empty argument")
                        return false
                    }
                    if value.lowercased() == "none" {
                        if position > 0 || args.remaining > 0 {
                            self.report(file, number, .error, "keyword \(written) \"none\" argument must appear alone.")
                            return false
                        }
                    } else if keyword.handler == .channelTimeout && !Self.isChannelTimeout(value) {
                        try self.fatal(file, number, "invalid channel timeout \(value)")
                    }
                    position += 1
                    if firstLine && active { store.append(key, value) }
                }

            case .authorizedKeysFile:
                let firstLine = !store.isSet(key)
                while let value = args.next() {
                    if value.isEmpty {
                        self.report(file, number, .error, "keyword \(written) empty argument")
                        return false
                    }
                    if active && firstLine { store.append(key, value) }
                }

            case .permitOpen:
                let first = try required("\(written) missing argument.")
                let firstLine = !store.isSet(key)
                if first == "any" || first == "none" {
                    if active && firstLine { store.set(key, first) }
                    break
                }
                var value: String? = first
                while let current = value, !current.isEmpty {
                    let portText: String?
                    if key == "permitlisten" && !current.contains(":") {
                        portText = current
                    } else {
                        guard let split = Self.hostAndPort(current) else {
                            try self.fatal(file, number, "\(written) missing host")
                        }
                        portText = split.port
                    }
                    guard let portText, portText == "*" || (SSHDValueParsing.port(portText) ?? 0) > 0 else {
                        try self.fatal(file, number, "\(written) bad port number")
                    }
                    if active && firstLine {
                        store.append(key, key == "permitlisten" && !current.contains(":") ? "*:\(current)" : current)
                    }
                    value = args.next()
                }

            case .permitUserEnvironment:
                let value = try required("\(written) missing argument.")
                if active { store.setIfUnset(key, value) }

            case .pubkeyAuthOptions:
                var touch = false
                var verify = false
                while let value = args.next() {
                    switch value.lowercased() {
                    case "none": continue
                    case "touch-required": touch = true
                    case "verify-required": verify = true
                    default:
                        self.report(file, number, .error, "unsupported \(written) option \(value)")
                        return false
                    }
                }
                let words = (touch ? ["touch-required"] : []) + (verify ? ["verify-required"] : [])
                if active { store.setIfUnset(key, words.isEmpty ? "none" : words.joined(separator: " ")) }

            case .permitTunnel:
                let value = try required("\(written) missing argument.")
                guard ["no", "point-to-point", "ethernet", "yes"].contains(value) else {
                    try self.fatal(file, number, "bad \(written) argument \(value)")
                }
                if active { store.setIfUnset(key, value) }

            case .streamLocalBindMask:
                let value = try required("\(written) missing argument.")
                let digits = value.prefix { ("0"..."7").contains($0) }
                guard !digits.isEmpty, let mask = Int(digits, radix: 8), mask <= 0o777 else {
                    try self.fatal(file, number, "Invalid \(written).")
                }
                if active { store.set(key, "0" + String(mask, radix: 8)) }

            case .fingerprintHash:
                let value = try required("\(written) missing argument.")
                let known = ["MD5", "SHA1", "SHA256", "SHA384", "SHA512"]
                guard let name = known.first(where: { $0 == value.uppercased() }) else {
                    try self.fatal(file, number, "Invalid \(written) algorithm \"\(value)\".")
                }
                if active { store.set(key, name) }

            case .authenticationMethods:
                let firstLine = !store.isSet(key)
                var sawAny = false
                var sawMethod = false
                while let value = args.next() {
                    if value == "any" {
                        if store.isSet(key) {
                            try self.fatal(file, number, "\"any\" must appear alone in \(written)")
                        }
                        sawAny = true
                    } else if sawAny {
                        try self.fatal(file, number, "\"any\" must appear alone in \(written)")
                    } else if !Self.isAuthenticationMethodList(value) {
                        try self.fatal(file, number, "invalid \(written) method list.")
                    }
                    sawMethod = true
                    if firstLine && active { store.append(key, value) }
                }
                if !sawMethod { try self.fatal(file, number, "no \(written) specified") }

            case .unusedConnectionTimeout:
                if args.values.first?.lowercased() == "none" {
                    _ = args.next()
                    if active { store.set(key, "0") }
                    break
                }
                let value = try required("missing time value.")
                guard let seconds = SSHDValueParsing.seconds(value) else {
                    try self.fatal(file, number, "invalid time value.")
                }
                if active { store.setIfUnset(key, String(seconds)) }

            case .routingDomain:
                try self.fatal(file, number, "setting RDomain not supported on this platform.")

            case .include:
                try self.include(context, &args, into: &store, flags: flags, active: &active)

            case .match:
                let criteria = flags.neverMatch ? nil : context.connection
                let matches = try self.matchLine(context, connection: criteria)
                active = flags.neverMatch ? false : matches
                flags.matchOnly = false
                args.consumeAll()

            case .obsolete:
                switch keyword.status {
                case .deprecated: self.report(file, number, .warning, "Deprecated option \(written)")
                case .unsupported: self.report(file, number, .warning, "Unsupported option \(written)")
                case .ignored, .supported: self.report(file, number, .note, "\(written) is ignored by this sshd")
                }
                args.consumeAll()
            }
            return true
        }

        /// sshd makes relative paths absolute against its working directory (`derelativise_path`), which is `/`
        /// under systemd but wherever `sshd -T` was started by hand: worth a warning, and printed as written.
        private mutating func warnIfRelative(_ path: String, keyword: SSHDKeyword, file: String, line: Int) {
            let special = ["none", "internal", "ssh_auth_sock"]
            guard !path.hasPrefix("/"), !special.contains(path.lowercased()) else { return }
            self.report(
                file,
                line,
                .warning,
                "\(keyword.canonicalName) \"\(path)\" is relative: sshd resolves it against its working directory"
            )
        }

        // MARK: - ListenAddress

        private mutating func listenAddress(
            _ context: Context,
            _ args: inout Arguments,
            into store: inout SSHDOptionStore
        ) throws(Stop) {
            let file = context.file
            let number = context.line.number
            guard let value = args.next(), !value.isEmpty else { try self.fatal(file, number, "missing address") }
            var host = value
            var port: Int?
            // A bare IPv6 address: no brackets and two or more colons.
            if !(value.contains("[")) && value.filter({ $0 == ":" }).count >= 2 {
                host = value
            } else {
                guard let split = Self.hostAndPort(value) else {
                    try self.fatal(file, number, "bad address:port usage")
                }
                host = split.host
                if let portText = split.port {
                    guard let parsed = SSHDValueParsing.port(portText), parsed > 0 else {
                        try self.fatal(file, number, "bad port number")
                    }
                    port = parsed
                }
            }
            if let extra = args.next() {
                guard extra == "rdomain", args.next() != nil else {
                    try self.fatal(file, number, "bad ListenAddress syntax")
                }
                try self.fatal(file, number, "bad routing domain")
            }
            store.listenAddresses.append(.init(host: host, port: port, file: file, line: number))
        }

        /// OpenSSH's `hpdelim` + `cleanhostname`: `host`, `host:port`, `[v6]`, `[v6]:port`; `nil` if malformed.
        static func hostAndPort(_ text: String) -> (host: String, port: String?)? {
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { return nil }
                let host = String(text[text.index(after: text.startIndex)..<close])
                let after = text[text.index(after: close)...]
                if after.isEmpty { return (host, nil) }
                guard after.first == ":" else { return nil }
                return (host, String(after.dropFirst()))
            }
            guard let split = text.firstIndex(where: { $0 == ":" || $0 == "/" }) else { return (text, nil) }
            // `hpdelim` also splits at '/', then refuses it: `host/port` is an error.
            guard text[split] == ":" else { return nil }
            return (String(text[..<split]), String(text[text.index(after: split)...]))
        }

        /// sshd's `process_queued_listen_addrs` and `add_listen_addr`: every ListenAddress (or the
        /// wildcard) with its own port or each `Port`, in the order `sshd -T` prints them.
        mutating func resolveListenAddresses(_ store: SSHDOptionStore) throws(Stop) -> [SSHDListenAddress] {
            let ports = store.ports.isEmpty ? [22] : store.ports
            let family = store.values["addressfamily"]?.first.flatMap(SSHDAddressFamily.init(rawValue:)) ?? .any
            var result: [SSHDListenAddress] = []
            let queued = store.listenAddresses
            if queued.isEmpty {
                for port in ports {
                    // getaddrinfo(NULL, AI_PASSIVE) yields 0.0.0.0 then ::; sshd prints each batch reversed.
                    let wildcards: [SSHDConfigAddress] =
                        switch family {
                        case .any: [.anyIPv6, .anyIPv4]
                        case .inet: [.anyIPv4]
                        case .inet6: [.anyIPv6]
                        }
                    result += wildcards.map { SSHDListenAddress(address: $0, port: port) }
                }
                return result
            }
            for entry in queued {
                let addresses: [SSHDConfigAddress]
                if let numeric = SSHDConfigAddress(entry.host) {
                    let fits =
                        switch family {
                        case .any: true
                        case .inet: numeric.family == .inet
                        case .inet6: numeric.family == .inet6
                        }
                    guard fits else {
                        try self.fatal(
                            entry.file ?? "",
                            entry.line,
                            "bad addr or host: \(entry.host) (Address family for hostname not supported)"
                        )
                    }
                    addresses = [numeric]
                } else if let resolved = self.environment.resolve(hostName: entry.host, family: family),
                    !resolved.isEmpty
                {
                    addresses = resolved.reversed()
                } else {
                    try self.fatal(
                        entry.file ?? "",
                        entry.line,
                        "bad addr or host: \(entry.host) (Name or service not known)"
                    )
                }
                for port in entry.port.map({ [$0] }) ?? ports {
                    result += addresses.map { SSHDListenAddress(address: $0, port: port) }
                }
            }
            return result
        }

        // MARK: - After the first pass

        /// The checks sshd makes once defaults are filled in (sshd.c, after `fill_default_server_options`).
        mutating func checkFilledOptions(_ config: SSHDEffectiveConfig) throws(Stop) {
            for (command, user) in [
                ("AuthorizedKeysCommand", "AuthorizedKeysCommandUser"),
                ("AuthorizedPrincipalsCommand", "AuthorizedPrincipalsCommandUser"),
            ] {
                let value = config.value(for: command) ?? "none"
                if value.lowercased() != "none" && config.value(for: user) == "none" {
                    let origin = config.origin(of: command)
                    try self.fatal(origin?.file ?? "", origin?.line ?? 1, "\(command) set without \(user)")
                }
            }
            let lists = config.values(for: "authenticationmethods").first?.split(separator: " ") ?? []
            guard !lists.isEmpty, lists != ["any"] else { return }
            let enabledBy = [
                "publickey": "pubkeyauthentication", "password": "passwordauthentication",
                "keyboard-interactive": "kbdinteractiveauthentication", "hostbased": "hostbasedauthentication",
                "gssapi-with-mic": "gssapiauthentication",
            ]
            let origin = config.origin(of: "authenticationmethods")
            let file = origin?.file ?? ""
            let line = origin?.line ?? 1
            var satisfiable = false
            for list in lists {
                let disabled = list.split(separator: ",").compactMap { method -> String? in
                    let name = String(method.split(separator: ":", maxSplits: 1).first ?? "")
                    guard let option = enabledBy[name] else { return nil }
                    return config.value(for: option) == "yes" ? nil : name
                }
                if disabled.isEmpty { satisfiable = true }
                for method in disabled {
                    self.report(
                        file,
                        line,
                        .warning,
                        "Disabled method \"\(method)\" in AuthenticationMethods list \"\(list)\""
                    )
                }
            }
            if !satisfiable {
                try self.fatal(
                    file,
                    line,
                    "AuthenticationMethods cannot be satisfied by enabled authentication methods"
                )
            }
        }

        // MARK: - Include

        private mutating func include(
            _ context: Context,
            _ args: inout Arguments,
            into store: inout SSHDOptionStore,
            flags: Flags,
            active: inout Bool
        ) throws(Stop) {
            let file = context.file
            let number = context.line.number
            while let value = args.next() {
                if value.isEmpty {
                    self.report(file, number, .error, "keyword \(context.line.keyword) empty argument")
                    return
                }
                let pattern =
                    value.hasPrefix("/") || value.hasPrefix("~")
                    ? value : "\(SSHDConfigEvaluator.configDirectory)/\(value)"
                let outerActive = active
                let childFlags = Flags(neverMatch: !flags.matchOnly && !outerActive, matchOnly: flags.matchOnly)
                let paths: [String]
                do {
                    paths = try self.environment.expandGlob(pattern)
                } catch {
                    try self.fatal(file, number, "include \"\(pattern)\" glob failed")
                }
                if paths.isEmpty {
                    self.report(file, number, .note, "Include \"\(pattern)\" matches no file (sshd skips it)")
                }
                for path in paths {
                    if context.depth + 1 > SSHDConfigEvaluator.maximumIncludeDepth {
                        try self.fatal(file, number, "Too many recursive configuration includes (an Include loop?)")
                    }
                    let bytes: [UInt8]
                    do {
                        bytes = try self.environment.readFile(atPath: path)
                    } catch {
                        try self.fatal(file, number, "\(error)")
                    }
                    try self.parse(
                        file: path,
                        bytes: bytes,
                        into: &store,
                        connection: context.connection,
                        flags: childFlags,
                        active: &active,
                        depth: context.depth + 1
                    )
                    active = outerActive
                }
            }
        }

        // MARK: - Match

        /// `match_cfg_line`: whether every criterion on the line holds for `connection` (`nil`: syntax only).
        private mutating func matchLine(_ context: Context, connection: SSHDConnectionSpec?) throws(Stop) -> Bool {
            let file = context.file
            let number = context.line.number
            func bad(_ message: String) throws(Stop) -> Never {
                self.report(file, number, .error, message)
                try self.fatal(file, number, "Bad Match condition")
            }
            guard let tokens = SSHDConfigTokenizer.delimitedTokens(context.line.rest) else {
                try bad("Missing Match criteria")
            }
            var result = true
            var attributes = 0
            var index = 0
            while index < tokens.count {
                let attribute = tokens[index]
                index += 1
                if attribute.isEmpty || attribute.hasPrefix("#") { break }
                attributes += 1
                if attribute.lowercased() == "all" {
                    let next = index < tokens.count ? tokens[index] : nil
                    if attributes > 1 || (next.map { !$0.isEmpty && !$0.hasPrefix("#") } ?? false) {
                        try bad("'all' cannot be combined with other Match attributes")
                    }
                    return true
                }
                guard index < tokens.count, !tokens[index].isEmpty, !tokens[index].hasPrefix("#") else {
                    try bad("Missing Match criteria for \(attribute)")
                }
                let argument = tokens[index]
                index += 1
                switch attribute.lowercased() {
                case "user":
                    guard let user = connection?.user else {
                        result = false
                        continue
                    }
                    if SSHDPattern.matchList(user, patterns: argument) != .matched { result = false }
                case "group":
                    guard let user = connection?.user else {
                        result = false
                        continue
                    }
                    if !Self.groupsMatch(self.environment.groupNames(ofUser: user), argument) { result = false }
                case "host":
                    guard let host = connection?.host else {
                        result = false
                        continue
                    }
                    if SSHDPattern.matchList(host.lowercased(), patterns: argument, lowercasingPatterns: true)
                        != .matched
                    {
                        result = false
                    }
                case "address", "localaddress":
                    let isLocal = attribute.lowercased() == "localaddress"
                    guard let address = isLocal ? connection?.localAddress : connection?.address else {
                        if SSHDAddressList.validate(argument) != nil {
                            try self.fatal(
                                file,
                                number,
                                "Invalid Match \(isLocal ? "localaddress" : "address") argument '\(argument)' at line \(number)"
                            )
                        }
                        result = false
                        continue
                    }
                    if SSHDAddressList.validate(argument) != nil, SSHDConfigAddress(address) != nil {
                        try bad("Invalid Match \(attribute) argument '\(argument)'")
                    }
                    if SSHDAddressList.match(address, list: argument) != .matched { result = false }
                case "localport":
                    guard let port = SSHDValueParsing.port(argument) else {
                        try bad("Invalid LocalPort '\(argument)' on Match line")
                    }
                    guard let connection else {
                        result = false
                        continue
                    }
                    guard let localPort = connection.localPort else {
                        try self.fatal(
                            file,
                            number,
                            "'Match LocalPort' in configuration but 'lport' not in connection test specification."
                        )
                    }
                    if port != localPort { result = false }
                case "rdomain":
                    guard let domain = connection?.routingDomain else {
                        result = false
                        continue
                    }
                    if SSHDPattern.matchList(domain, patterns: argument) != .matched { result = false }
                default:
                    try bad("Unsupported Match attribute \(attribute)")
                }
            }
            if attributes == 0 { try bad("One or more attributes required for Match") }
            return result
        }

        /// `ga_match_pattern_list`: some group matches and no group hits a negated pattern.
        static func groupsMatch(_ groups: [String]?, _ patterns: String) -> Bool {
            guard let groups, !groups.isEmpty else { return false }
            var found = false
            for group in groups {
                switch SSHDPattern.matchList(group, patterns: patterns) {
                case .negated: return false
                case .matched: found = true
                case .none: continue
                }
            }
            return found
        }

        static func isChannelTimeout(_ text: String) -> Bool {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return false }
            return SSHDValueParsing.seconds(String(text[text.index(after: equals)...])) != nil
        }

        /// `auth2_methods_valid`, without the "enabled" check: each comma-separated method is known.
        static func isAuthenticationMethodList(_ text: String) -> Bool {
            let known = ["publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic", "none"]
            return text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { method in
                let name = method.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                return known.contains(name)
            }
        }
    }
}
