import Testing

/// Boots a ``Sandbox`` for a test, or returns `nil` when this machine cannot boot one.
///
/// When ``Sandbox/availability`` says no, ``TestEnvironment/require(_:_:sourceLocation:)`` records why: a
/// failure in CI, where these tests must run, or a printed skip on a developer's machine; never a silent
/// skip. A boot that fails where booting is possible throws, failing the test. The caller powers the
/// sandbox off (`defer { try? sandbox.powerOff() }`).
///
/// ```swift
/// guard let sandbox = try bootSandboxForTest() else { return }
/// defer { try? sandbox.powerOff() }
/// ```
///
/// - Parameter sourceLocation: Where the failure is recorded; defaults to the caller.
public func bootSandboxForTest(sourceLocation: SourceLocation = #_sourceLocation) throws -> Sandbox? {
    let availability = Sandbox.availability
    guard TestEnvironment.require(availability.available, availability.reason, sourceLocation: sourceLocation) else {
        return nil
    }
    return try Sandbox.boot()
}
