import ArgumentParser
import Testing

@testable import SSHDAuditorCLI

@Suite("Command line")
struct CommandLineTests {
    @Test("the root command lists the offline tools")
    func listsSubcommands() {
        let names = SSHDAuditorCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        #expect(names.contains("config"))
        #expect(names.contains("sockets"))
        #expect(names.contains("events"))
    }
}
