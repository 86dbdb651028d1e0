import Foundation

/// A throwaway directory laid out like /proc, for pointing the real readers at known contents.
///
/// Each instance has its own unique directory, so tests can run in parallel; ``remove()`` deletes it.
struct ProcTree {
    let root: URL

    init() throws {
        self.root = FileManager.default.temporaryDirectory
            .appendingPathComponent("sshd-auditor-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
    }

    var path: String { self.root.path }

    /// Writes `contents` to `relativePath`, creating the directories on the way.
    func write(_ relativePath: String, _ contents: String) throws {
        try self.write(relativePath, bytes: Array(contents.utf8))
    }

    func write(_ relativePath: String, bytes: [UInt8]) throws {
        let url = self.root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Makes `relativePath` a symbolic link to `target`, as /proc/PID/fd/N links are (`socket:[1234]`).
    func link(_ relativePath: String, to target: String) throws {
        let url = self.root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func makeDirectory(_ relativePath: String) throws {
        try FileManager.default.createDirectory(
            at: self.root.appendingPathComponent(relativePath),
            withIntermediateDirectories: true
        )
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.root)
    }
}
