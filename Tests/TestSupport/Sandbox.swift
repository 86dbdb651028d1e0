import Foundation

/// A real systemd, booted as PID 1 in private namespaces from a cached Debian bookworm rootfs, for tests that
/// need the system bus, journald, and units such as `ssh.service`.
///
/// `scripts/sandbox.sh` does the work (DESIGN.md, "A real systemd for tests"); this is its Swift handle.
/// A sandbox is powered off and its directory removed by ``powerOff()``, which tests call in a `defer`;
/// `deinit` does it too, so a failing or throwing test cannot leave a systemd behind. Every call that
/// reaches into the sandbox has a timeout.
///
/// From the host, the sandbox's files are under ``root`` (`/proc/PID/root`), its system bus is at
/// ``busAddress`` and its journal under ``journalDirectory``.
public final class Sandbox: Sendable {
    /// The sandbox's systemd as the host sees it. Commands run inside through `nsenter -t pid`.
    public let pid: Int32
    /// The sandbox's directory (under the temporary directory): `rootfs/` (its `/`, an overlay on the shared
    /// unpacked rootfs), `upper/` (what it changed), `console.log` (systemd's console); removed on power-off.
    public let directory: URL
    /// How long the boot took, until `systemctl is-system-running` said `running` or `degraded`.
    public let bootDuration: Duration

    private let state = PowerState()

    /// `scripts/sandbox.sh` in this repository.
    public static var script: String {
        TestEnvironment.repositoryRoot.appendingPathComponent("scripts/sandbox.sh").path
    }

    /// Whether this process can boot a sandbox, and if not, why: it needs root, `unshare` and `nsenter`.
    /// (A missing rootfs is not a reason: the first boot builds it with debootstrap, and fails loudly if it
    /// cannot.)
    public static var availability: (available: Bool, reason: String) {
        guard TestEnvironment.isRoot else { return (false, "booting a systemd sandbox needs root") }
        for tool in ["/usr/bin/unshare", "/usr/bin/nsenter"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return (false, "\(tool) is missing (util-linux)")
        }
        return (true, "")
    }

    /// Boots a fresh sandbox and waits until systemd reports `running` or `degraded`.
    ///
    /// The first boot on a machine builds the rootfs with debootstrap (about two minutes, then cached); the
    /// default timeout leaves room for that on a busy machine. The script bounds the boot itself to 60 s.
    /// - Throws: ``SandboxError`` with the script's output when the boot fails or times out.
    public static func boot(timeout: Duration = .seconds(1200)) throws -> Sandbox {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sshd-auditor-sandbox-\(UUID().uuidString.prefix(8))")
        let started = ContinuousClock.now
        let result: CommandResult
        do {
            result = try runCommand("/bin/bash", [script, "boot", directory.path], timeout: timeout)
        } catch {
            // The script powers off what it started when it is terminated; this covers a script that was
            // killed before its trap could run.
            Self.powerOffLeftover(in: directory)
            throw error
        }
        guard result.status == 0, let pid = Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw SandboxError(description: "sandbox boot failed (status \(result.status)):\n\(result.stderr)")
        }
        return Sandbox(pid: pid, directory: directory, bootDuration: ContinuousClock.now - started)
    }

    /// Powers off a sandbox whose boot did not finish, if its `pid` file names a running systemd.
    private static func powerOffLeftover(in directory: URL) {
        let pidFile = directory.appendingPathComponent("pid").path
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        _ = try? runCommand("/bin/bash", [script, "poweroff", "\(pid)", directory.path], timeout: .seconds(60))
    }

    private init(pid: Int32, directory: URL, bootDuration: Duration) {
        self.pid = pid
        self.directory = directory
        self.bootDuration = bootDuration
    }

    deinit {
        try? self.powerOff()
    }

    /// The sandbox's `/` as a host path (through the systemd's `/proc/PID/root`).
    public var root: String { "/proc/\(self.pid)/root" }

    /// The D-Bus address of the sandbox's system bus, reachable from the host.
    public var busAddress: String { "unix:path=\(self.root)/run/dbus/system_bus_socket" }

    /// The sandbox's persistent journal directory, as a host path.
    public var journalDirectory: String { "\(self.root)/var/log/journal" }

    /// Runs `command` inside the sandbox (all its namespaces, its root, its working directory).
    public func run(
        _ command: [String],
        input: String? = nil,
        timeout: Duration = .seconds(30)
    ) throws -> CommandResult {
        try runCommand(
            "/usr/bin/nsenter",
            ["-t", "\(self.pid)", "-a", "-r", "-w"] + command,
            input: input,
            timeout: timeout
        )
    }

    /// Runs `command` inside and throws unless it exits 0; returns its standard output.
    @discardableResult
    public func runChecked(_ command: [String], timeout: Duration = .seconds(30)) throws -> String {
        let result = try self.run(command, timeout: timeout)
        guard result.status == 0 else {
            throw SandboxError(
                description:
                    "\(command.joined(separator: " ")) exited \(result.status) in the sandbox: \(result.stderr)"
            )
        }
        return result.stdout
    }

    /// Copies the host file `file` to `destination` inside the sandbox, executable.
    public func install(_ file: String, at destination: String) throws {
        let result = try runCommand(
            "/bin/bash",
            [Self.script, "install", "\(self.pid)", file, destination],
            timeout: .seconds(60)
        )
        guard result.status == 0 else {
            throw SandboxError(description: "installing \(file) failed: \(result.stderr)")
        }
    }

    /// Powers the sandbox off, waits for its systemd to exit, and removes its directory. Idempotent.
    ///
    /// systemd gets 10 s for an orderly poweroff and is then killed, which takes its whole pid namespace along.
    public func powerOff() throws {
        guard self.state.markPoweredOff() else { return }
        let result = try runCommand(
            "/bin/bash",
            [Self.script, "poweroff", "\(self.pid)", self.directory.path],
            timeout: .seconds(60)
        )
        guard result.status == 0 else {
            throw SandboxError(description: "sandbox poweroff failed: \(result.stderr)")
        }
    }

    /// Host processes whose root directory lies in the sandbox (after power-off there must be none).
    public func processesInside() -> [Int32] {
        let prefix = self.directory.path + "/"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let root = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/root") else {
                return false
            }
            return (root + "/").hasPrefix(prefix)
        }
    }

    /// Host mounts whose mount point lies under the sandbox directory (there should never be any: the
    /// sandbox mounts only in its own mount namespace).
    public func hostMounts() throws -> [String] {
        let table = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let prefix = self.directory.resolvingSymlinksInPath().path + "/"
        return table.split(separator: "\n").map(String.init).filter { line in
            let fields = line.split(separator: " ")
            return fields.count > 4 && (String(fields[4]) + "/").hasPrefix(prefix)
        }
    }
}

/// Whether ``Sandbox/powerOff()`` already ran; a lock guards it because `deinit` and a test may race.
private final class PowerState: @unchecked Sendable {
    private let lock = NSLock()
    private var poweredOff = false

    /// Returns `true` the first time only.
    func markPoweredOff() -> Bool {
        self.lock.lock()
        defer { self.lock.unlock() }
        defer { self.poweredOff = true }
        return !self.poweredOff
    }
}
