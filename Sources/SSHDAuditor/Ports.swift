/// Small protocols owned by the auditor runtime, so tests can point the real code at fixtures or fakes.
///
/// Each source reads through one of these; the production conformances live beside the sources.
public protocol TextFileReading: Sendable {
    /// The whole file at `path`, as raw bytes (sshd and the kernel do not promise UTF-8).
    func readFile(atPath path: String) throws -> [UInt8]
}
