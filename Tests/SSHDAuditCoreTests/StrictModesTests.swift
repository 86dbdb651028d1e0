import SSHDAuditCore
import Testing

@Suite("StrictModes")
struct StrictModesTests {
    static let uid: UInt32 = 1000
    static let file = "/home/alice/.ssh/authorized_keys"

    /// A sane tree: / and /home root-owned 0755, home and ~/.ssh the user's 0700, the file 0600.
    static func tree(
        overriding changes: [String: (uid: UInt32, gid: UInt32, permissions: UInt32, kind: PathStatus.Kind)] = [:]
    ) -> [String: PathStatus] {
        var tree: [String: PathStatus] = [
            "/": PathStatus(path: "/", kind: .directory, uid: 0, gid: 0, permissions: 0o755),
            "/home": PathStatus(path: "/home", kind: .directory, uid: 0, gid: 0, permissions: 0o755),
            "/home/alice": PathStatus(path: "/home/alice", kind: .directory, uid: uid, gid: uid, permissions: 0o750),
            "/home/alice/.ssh": PathStatus(
                path: "/home/alice/.ssh",
                kind: .directory,
                uid: uid,
                gid: uid,
                permissions: 0o700
            ),
            file: PathStatus(path: file, kind: .regular, uid: uid, gid: uid, permissions: 0o600),
        ]
        for (path, change) in changes {
            tree[path] = PathStatus(
                path: path,
                kind: change.kind,
                uid: change.uid,
                gid: change.gid,
                permissions: change.permissions
            )
        }
        return tree
    }

    static func check(_ tree: [String: PathStatus], policy: StrictModes.GroupWritePolicy = .upstream) -> [StrictModes
        .Violation]
    {
        StrictModes.check(file: file, home: "/home/alice", uid: uid, statuses: tree, policy: policy)
    }

    @Test("walks from the file up to the home directory, or to / outside it")
    func walk() {
        #expect(
            StrictModes.pathsToCheck(file: Self.file, home: "/home/alice") == [
                Self.file, "/home/alice/.ssh", "/home/alice",
            ]
        )
        #expect(
            StrictModes.pathsToCheck(file: Self.file, home: "/home/alice/") == [
                Self.file, "/home/alice/.ssh", "/home/alice",
            ]
        )
        #expect(
            StrictModes.pathsToCheck(file: "/etc/ssh/keys/alice", home: "/home/alice")
                == ["/etc/ssh/keys/alice", "/etc/ssh/keys", "/etc/ssh", "/etc", "/"]
        )
        #expect(StrictModes.pathsToCheck(file: "/keys", home: "/") == ["/keys", "/"])
    }

    @Test("a sane tree passes, and what lies above home is not examined")
    func sane() {
        #expect(Self.check(Self.tree()).isEmpty)
        let looseHome = Self.tree(overriding: ["/home": (1234, 0, 0o777, .directory)])
        #expect(Self.check(looseHome).isEmpty)
    }

    /// One StrictModes rule: a change to the sane tree and what sshd says about it.
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var status: (uid: UInt32, gid: UInt32, permissions: UInt32, kind: PathStatus.Kind)
        var message: String
        var problem: StrictModes.Violation.Problem
        var testDescription: String { message }
    }

    static let fileMessage = "bad ownership or modes for file /home/alice/.ssh/authorized_keys"

    static let cases: [Case] = [
        Case(path: file, status: (uid, uid, 0o620, .regular), message: fileMessage, problem: .groupWritable),
        Case(path: file, status: (uid, uid, 0o602, .regular), message: fileMessage, problem: .worldWritable),
        Case(
            path: file,
            status: (1001, 1001, 0o600, .regular),
            message: fileMessage,
            problem: .foreignOwner(uid: 1001)
        ),
        Case(
            path: file,
            status: (uid, uid, 0o600, .directory),
            message: "/home/alice/.ssh/authorized_keys is not a regular file",
            problem: .notRegularFile
        ),
        Case(
            path: "/home/alice/.ssh",
            status: (uid, uid, 0o770, .directory),
            message: "bad ownership or modes for directory /home/alice/.ssh",
            problem: .groupWritable
        ),
        Case(
            path: "/home/alice/.ssh",
            status: (1001, uid, 0o700, .directory),
            message: "bad ownership or modes for directory /home/alice/.ssh",
            problem: .foreignOwner(uid: 1001)
        ),
        Case(
            path: "/home/alice",
            status: (uid, uid, 0o757, .directory),
            message: "bad ownership or modes for directory /home/alice",
            problem: .worldWritable
        ),
    ]

    @Test("each rule, with sshd's exact message", arguments: cases)
    func rule(_ rule: Case) {
        let violations = Self.check(Self.tree(overriding: [rule.path: rule.status]))
        #expect(violations.count == 1)
        #expect(violations.first?.message == rule.message)
        #expect(violations.first?.problems == [rule.problem])
        #expect(violations.first?.logLine == "Authentication refused: " + rule.message)
    }

    @Test("root-owned paths pass; a missing directory counts as bad; a missing file is not a modes problem")
    func ownersAndMissing() {
        let rootOwned = Self.tree(overriding: [
            Self.file: (0, 0, 0o644, .regular), "/home/alice/.ssh": (0, 0, 0o755, .directory),
        ])
        #expect(Self.check(rootOwned).isEmpty)
        var missingDirectory = Self.tree()
        missingDirectory["/home/alice/.ssh"] = nil
        #expect(Self.check(missingDirectory).map(\.problems) == [[.unreadable]])
        var missingFile = Self.tree()
        missingFile[Self.file] = nil
        #expect(Self.check(missingFile).isEmpty)
    }

    @Test("every failure is listed from the file upwards; the first is the one sshd logs")
    func order() {
        let tree = Self.tree(overriding: [
            Self.file: (Self.uid, Self.uid, 0o666, .regular),
            "/home/alice": (Self.uid, Self.uid, 0o775, .directory),
        ])
        let violations = Self.check(tree)
        #expect(violations.map(\.path) == [Self.file, "/home/alice"])
        #expect(violations.first?.problems == [.groupWritable, .worldWritable])
    }

    @Test("Debian's patch accepts group-writable paths of a group whose only member is the owner")
    func debianPrivateGroup() {
        let tree = Self.tree(overriding: ["/home/alice": (Self.uid, 1000, 0o775, .directory)])
        #expect(Self.check(tree).count == 1)
        #expect(Self.check(tree, policy: .allowPrivateGroup(soleMembers: [1000: Self.uid])).isEmpty)
        // A shared group (no sole member recorded) still fails, and world-writable always does.
        #expect(Self.check(tree, policy: .allowPrivateGroup(soleMembers: [1000: 4242])).count == 1)
        let world = Self.tree(overriding: ["/home/alice": (Self.uid, 1000, 0o777, .directory)])
        #expect(
            Self.check(world, policy: .allowPrivateGroup(soleMembers: [1000: Self.uid])).first?.problems == [
                .worldWritable
            ]
        )
    }
}
