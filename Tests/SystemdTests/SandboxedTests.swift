import Testing

/// Every suite that boots the real-systemd sandbox, nested here so they run one at a time: each boot unpacks
/// a rootfs and starts a dozen processes, and the machine is shared. Suites that set process-wide environment
/// variables (the notifier's NOTIFY_SOCKET) are serialized by the same trait.
@Suite("Against a real systemd", .serialized)
enum SandboxedTests {}
