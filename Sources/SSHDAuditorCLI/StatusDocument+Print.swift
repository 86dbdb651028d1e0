import SSHDAuditCore
import SSHDAuditor

extension StatusDocument {
    /// Prints the document as `status` and `check` show it: as JSON, every finding; or as text, where each check
    /// lists ``StatusText/defaultFindingLimit`` findings unless `allFindings` (`--all`).
    func print(json: Bool, allFindings: Bool, origin: String) throws {
        if json {
            Swift.print(try self.encoded(), terminator: "")
        } else {
            let limit = allFindings ? nil : StatusText.defaultFindingLimit
            Swift.print(StatusText.render(self, origin: origin, findingLimit: limit), terminator: "")
        }
    }
}
