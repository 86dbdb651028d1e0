import Foundation
import Testing

/// Facts about where the tests run, and the one rule for tests that need privileges:
/// in CI they must run, so a missing privilege is a failure; on a developer's machine they skip,
/// saying why.
public enum TestEnvironment {
    /// Whether this is a CI run (`CI` set to anything but empty or "false").
    public static var isCI: Bool {
        let value = ProcessInfo.processInfo.environment["CI"] ?? ""
        return !value.isEmpty && value != "false"
    }

    /// Whether the tests run as root.
    public static var isRoot: Bool { geteuid() == 0 }

    /// The repository's top directory, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The `sshd-auditor` binary the CLI tests run: `SSHD_AUDITOR_BIN` when set (the Makefile sets it to the
    /// release build), else the debug build `swift test` just made.
    public static var auditorBinary: String {
        if let path = ProcessInfo.processInfo.environment["SSHD_AUDITOR_BIN"], !path.isEmpty { return path }
        return repositoryRoot.appendingPathComponent(".build/debug/sshd-auditor").path
    }

    /// ``require(_:_:sourceLocation:)`` for the tests that run the `sshd-auditor` executable: ``auditorBinary``
    /// must be built.
    public static func requireAuditorBinary(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        require(
            FileManager.default.isExecutableFile(atPath: auditorBinary),
            "no sshd-auditor binary at \(auditorBinary); build it first",
            sourceLocation: sourceLocation
        )
    }

    /// Returns `true` when `condition` holds. Otherwise records a failure in CI (these tests must run there),
    /// or prints why the test is skipped on a developer's machine, and returns `false`.
    public static func require(
        _ condition: Bool,
        _ reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        if condition { return true }
        if isCI {
            Issue.record("cannot run in CI: \(reason)", sourceLocation: sourceLocation)
        } else {
            print("SKIPPED (not CI): \(reason)")
        }
        return false
    }
}
