/// A sandbox that would not boot, run a command, or power off.
public struct SandboxError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
