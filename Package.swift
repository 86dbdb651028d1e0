// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sshd-auditor",
    products: [
        .executable(name: "sshd-auditor", targets: ["SSHDAuditorCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.11.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // The one C boundary: libsystemd's sd-bus, sd-journal and sd-daemon headers. Only `Systemd` imports it.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"]), .yum(["systemd-devel"])]
        ),
        // Swift wrappers for libsystemd. Knows nothing about sshd.
        .target(
            name: "Systemd",
            dependencies: [
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // Pure: models, parsers, checks, alert state. No I/O, no clock, no Foundation.
        .target(name: "SSHDAuditCore"),
        // Runtime: sources (I/O under configurable roots), the daemon service, sinks, own configuration.
        .target(
            name: "SSHDAuditor",
            dependencies: [
                "SSHDAuditCore",
                "Systemd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // The `sshd-auditor` executable: thin ArgumentParser commands.
        .executableTarget(
            name: "SSHDAuditorCLI",
            dependencies: [
                "SSHDAuditor",
                "SSHDAuditCore",
                "Systemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test-only: runs inside the real-systemd sandbox, where journald's fixed socket path and a Type=notify
        // unit's NOTIFY_SOCKET are real. Built with --static-swift-stdlib, it needs only libc and libsystemd0.
        .executableTarget(
            name: "SystemdProbe",
            dependencies: ["Systemd", .product(name: "Logging", package: "swift-log")],
            path: "Tests/SystemdProbe"
        ),
        // Helpers shared by the test targets: running commands with a timeout, the real-systemd sandbox.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "SSHDAuditCoreTests",
            dependencies: ["SSHDAuditCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SystemdTests",
            dependencies: [
                "Systemd",
                "SSHDAuditor",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SSHDAuditorTests",
            dependencies: [
                "SSHDAuditor",
                "SSHDAuditCore",
                "SSHDAuditorCLI",
                "TestSupport",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// One loop, as swift-log does: the same upcoming features for every Swift target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
