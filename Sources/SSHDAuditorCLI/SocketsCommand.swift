import ArgumentParser

/// `sshd-auditor sockets`: placeholder until its issue lands.
struct SocketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sockets", abstract: "Not implemented yet.")

    func run() throws {
        throw ValidationError("sshd-auditor sockets is not implemented yet")
    }
}
