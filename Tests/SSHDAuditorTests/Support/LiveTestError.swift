/// Why a live test's setup (sshd, ss, a socket) did not work, with what the tool said.
struct LiveTestError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
