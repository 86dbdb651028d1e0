import ArgumentParser
import SSHDAuditCore
import SSHDAuditor

/// `sshd-auditor config`: the effective sshd configuration, computed the way `sshd -T` computes it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective sshd configuration, computed like `sshd -T`.",
        discussion: """
            Reads sshd_config (and every file it Includes) without running sshd and applies sshd's rules: \
            the first value wins for most keywords; Port, ListenAddress, AllowUsers and others accumulate; \
            Match blocks apply to the connection given with -C; defaults fill the rest. Prints one \
            `keyword value` per line in `sshd -T`'s order. Problems go to standard error as \
            `file:line: severity: message`, deprecated and unknown keywords included.

            Exit status: 0 when sshd would accept the configuration, 1 when it would refuse to start \
            (the file and line are printed), 64 for a bad -C specification.

            Examples:
              sshd-auditor config
                  the live configuration, as `sshd -T` shows it
              sshd-auditor config --file /tmp/sshd_config.new
                  check an edit before `systemctl restart ssh` fails on it
              sshd-auditor config -C user=alice,addr=203.0.113.7
                  what applies to alice from 203.0.113.7 (Match blocks included)
              sshd-auditor config -C user=deploy,laddr=10.0.0.5,lport=22 --json
                  the same for a full connection, as JSON
              sshd-auditor config | grep -e '^port' -e '^listenaddress'
                  where sshd will listen
            """
    )

    @Option(name: .long, help: ArgumentHelp("The sshd_config to read.", valueName: "path"))
    var file: String = SSHDConfigLoader.defaultPath

    @Option(
        name: .customShort("C"),
        help: ArgumentHelp(
            "Evaluate Match blocks for this connection: user=,host=,addr=,laddr=,lport= (comma separated).",
            valueName: "spec"
        )
    )
    var connection: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read absolute paths under this directory (a config tree copied off another machine).",
            valueName: "dir"
        )
    )
    var root: String = "/"

    @Flag(name: .long, help: "Print JSON: the ordered keyword/value pairs, validity and diagnostics.")
    var json = false

    func run() throws {
        var spec: SSHDConnectionSpec?
        if let connection {
            do {
                spec = try SSHDConnectionSpec.parse(connection)
            } catch {
                SSHDConfigReport.writeToStandardError("sshd-auditor: \(error)\n")
                throw ExitCode(64)
            }
        }
        let loader = SSHDConfigLoader(root: self.root)
        let result = spec.map { loader.load(path: self.file, connection: $0) } ?? loader.load(path: self.file)
        let report = SSHDConfigReport(path: self.file, result: result)
        if self.json {
            print(report.json, terminator: "")
        } else {
            SSHDConfigReport.writeToStandardError(report.diagnosticsText)
            if report.isValid { print(report.text, terminator: "") }
        }
        if !report.isValid { throw ExitCode(1) }
    }
}
