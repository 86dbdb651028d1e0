import Foundation
import TestSupport

/// The `SystemdProbe` test program, built with the Swift runtime linked in so it runs inside the sandbox.
///
/// `make test` builds every product with `--static-swift-stdlib` and sets `SSHD_AUDITOR_BIN`; the probe is
/// then its sibling. A plain `swift test` has no such build, so the probe is built once per test process into
/// its own scratch directory (a second SwiftPM on the main `.build` would wait for the running `swift test`).
enum SystemdProbeBinary {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: String?  // guarded by `lock`

    /// The probe's path, building it when needed (bounded: a build that takes too long fails the test).
    static func path() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        if let auditor = ProcessInfo.processInfo.environment["SSHD_AUDITOR_BIN"], !auditor.isEmpty {
            let sibling = URL(fileURLWithPath: auditor).deletingLastPathComponent().appendingPathComponent(
                "SystemdProbe"
            ).path
            if FileManager.default.isExecutableFile(atPath: sibling) {
                built = sibling
                return sibling
            }
        }
        let root = TestEnvironment.repositoryRoot
        let scratch = root.appendingPathComponent(".build/sandbox-probe").path
        let result = try runCommand(
            "/usr/bin/env",
            [
                "swift", "build", "--package-path", root.path, "--scratch-path", scratch,
                "--static-swift-stdlib", "--product", "SystemdProbe",
            ],
            timeout: .seconds(900)
        )
        guard result.status == 0 else {
            throw SandboxError(description: "building SystemdProbe failed:\n\(result.stdout)\n\(result.stderr)")
        }
        let path = scratch + "/debug/SystemdProbe"
        built = path
        return path
    }
}
