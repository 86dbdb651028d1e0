import SSHDAuditCore

/// Fuzzes ``SSHDConfigEvaluator`` over a fuzzer-chosen set of in-memory files.
///
/// Input: the main config (`/etc/ssh/sshd_config`), then any number of further files, each introduced by a
/// line `--- PATH` (relative paths land under /etc/ssh). The main file can `Include` the others, itself, or
/// globs over them, so include loops, nesting and `Match` inside included files are all reachable.
///
/// Invariants beyond "no crash": every diagnostic names a file of the set (or the main file) and a line that
/// file has; evaluation with a connection gives the same `Port`/`ListenAddress` as without (`Match` cannot
/// set them); and for a config without errors, evaluating the rendered `sshd -T` text again gives the same
/// values (the rendering is a fixed point, as `sshd -T` output fed back to sshd is).
@_cdecl("LLVMFuzzerTestOneInput")
public func sshdConfigFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let mainPath = "/etc/ssh/sshd_config"
    let files = SSHDConfigFuzzInput.files(from: input, mainPath: mainPath)
    var environment = InMemorySSHDConfigEnvironment(
        groups: ["root": ["root"], "alice": ["alice", "sftponly", "wheel"]],
        hosts: [
            "localhost": [IPAddress("127.0.0.1"), IPAddress("::1")].compactMap { $0 },
            "example.org": [IPAddress("192.0.2.10")].compactMap { $0 },
        ]
    )
    environment.files = files
    let evaluator = SSHDConfigEvaluator(environment: environment)

    let plain = evaluator.evaluate(path: mainPath)
    let connection = SSHDConnectionSpec(
        user: "alice",
        host: "client.example.org",
        address: "192.0.2.1",
        localAddress: "192.0.2.10",
        localPort: 22,
        routingDomain: nil
    )
    let matched = evaluator.evaluate(path: mainPath, connection: connection)

    for parsed in [plain, matched] {
        for diagnostic in parsed.diagnostics {
            let file = diagnostic.file ?? "<nil>"
            // A missing Include target is reported against the line that includes it, so every diagnostic
            // names a file that exists in the set.
            guard let bytes = files[file] else {
                FuzzCheck.require(false, "diagnostic names a file outside the set: \(diagnostic)")
                continue
            }
            let lines = FuzzCheck.lineCount(bytes)
            FuzzCheck.require(
                diagnostic.line >= 1 && diagnostic.line <= max(lines, 1),
                "diagnostic outside \(file)'s \(lines) lines: \(diagnostic)"
            )
        }
    }
    FuzzCheck.require(
        plain.value.listenAddresses == matched.value.listenAddresses,
        "Match changed the listeners: \(plain.value.listenAddresses) vs \(matched.value.listenAddresses)"
    )

    if !plain.hasErrors {
        let rendered = Array(plain.value.text.utf8)
        let again = SSHDConfigEvaluator(environment: InMemorySSHDConfigEnvironment())
            .evaluate(path: "/rendered", bytes: rendered)
        // `sshd -T` prints values unquoted, so a value holding a space, a quote or a `#` (`Banner "/etc/issue
        // net"`) may not read back; sshd itself rejects or truncates such output. Only plain output that reads
        // back cleanly must give the same configuration, compared word by word per keyword: `DenyUsers "a b"` prints as
        // `denyusers a b` and reads back as two users, as it does in sshd.
        if !again.hasErrors && SSHDConfigFuzzInput.printsPlainly(plain.value) {
            FuzzCheck.require(
                SSHDConfigFuzzInput.words(plain.value) == SSHDConfigFuzzInput.words(again.value),
                "re-evaluating the rendered config changed it: \(SSHDConfigFuzzInput.difference(plain.value, again.value))"
            )
        }
    }
    return 0
}

/// Splits a fuzz input into the in-memory files of ``sshdConfigFuzzerTestOneInput(_:_:)``.
enum SSHDConfigFuzzInput {
    static let marker = Array("--- ".utf8)

    static func files(from input: UnsafeBufferPointer<UInt8>, mainPath: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        var path = mainPath
        var content: [UInt8] = []
        var lineStart = 0
        while lineStart < input.count {
            var lineEnd = lineStart
            while lineEnd < input.count, input[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = input[lineStart..<lineEnd]
            if line.starts(with: Self.marker) {
                files[path, default: []] += content
                let name = String(decoding: line.dropFirst(Self.marker.count), as: UTF8.self)
                path = name.hasPrefix("/") ? name : SSHDConfigEvaluator.configDirectory + "/" + name
                content = []
            } else {
                content += line
                if lineEnd < input.count { content.append(UInt8(ascii: "\n")) }
            }
            lineStart = lineEnd + 1
        }
        files[path, default: []] += content
        return files
    }

    /// Keywords whose `sshd -T` output sshd itself does not read back the same: `setenv` is printed one value
    /// per line, but only the first `SetEnv` line counts (OpenSSH 9.2: `SetEnv A=1 B=2` prints two lines,
    /// which read back as `A=1` alone).
    static let notReadBack: Set<String> = ["setenv"]

    /// Whether no value holds a character sshd's tokenizer treats specially (`#`, quotes, backslash): `sshd -T`
    /// prints values as they are, so `AllowUsers "a #b"` prints `allowusers a #b`, which sshd 9.2 reads back as
    /// `a` (checked with the real sshd).
    static func printsPlainly(_ config: SSHDEffectiveConfig) -> Bool {
        config.entries.allSatisfy { entry in
            !entry.value.utf8.contains {
                $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'")
                    || $0 == UInt8(ascii: "\\")
            }
        }
    }

    /// Every keyword's values as one list of blank-separated words.
    static func words(_ config: SSHDEffectiveConfig) -> [String: [Substring]] {
        var words: [String: [Substring]] = [:]
        for entry in config.entries where !Self.notReadBack.contains(entry.keyword) {
            words[entry.keyword, default: []] += entry.value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        }
        return words
    }

    /// The first entries that differ, for the crash report.
    static func difference(_ lhs: SSHDEffectiveConfig, _ rhs: SSHDEffectiveConfig) -> String {
        let left = Set(lhs.entries)
        let right = Set(rhs.entries)
        let lost = lhs.entries.filter { !right.contains($0) }.prefix(10).map(\.description)
        let gained = rhs.entries.filter { !left.contains($0) }.prefix(10).map(\.description)
        if lost.isEmpty && gained.isEmpty {
            return "same entries in another order:\n\(lhs.text)\nvs\n\(rhs.text)"
        }
        return "lost \(lost), gained \(gained)"
    }
}
