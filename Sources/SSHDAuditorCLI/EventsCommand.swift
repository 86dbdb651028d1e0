import ArgumentParser

/// `sshd-auditor events`: placeholder until its issue lands.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("sshd-auditor events is not implemented yet")
    }
}
