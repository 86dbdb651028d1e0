import ArgumentParser

/// `sshd-auditor config`: placeholder until its issue lands.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("sshd-auditor config is not implemented yet")
    }
}
