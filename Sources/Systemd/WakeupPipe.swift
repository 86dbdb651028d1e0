import Glibc
import SystemPackage

/// A pipe whose read end a thread puts in its `poll(2)` set, so that another thread can wake it at once.
///
/// Why: a thread that blocks in `poll(2)` (on a bus, a journal, an inotify descriptor) and must also react to
/// a request from another thread (stop, re-arm) would otherwise wake up every so often to look at a flag,
/// which costs a wake-up even when nothing happens. Both ends are non-blocking and close-on-exec.
final class WakeupPipe: Sendable {
    /// The end to poll for `POLLIN`.
    let descriptor: CInt
    private let writeEnd: CInt

    /// - Throws: ``SystemdError`` naming `pipe` when no pipe can be made (out of descriptors).
    init() throws(SystemdError) {
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SystemdError(operation: "pipe", errno: Errno(rawValue: errno)) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        self.descriptor = ends[0]
        self.writeEnd = ends[1]
    }

    deinit {
        close(self.descriptor)
        close(self.writeEnd)
    }

    /// Makes ``descriptor`` readable. A full pipe already holds a wake-up, so a write that fails loses nothing.
    func wake() {
        var byte: UInt8 = 1
        _ = write(self.writeEnd, &byte, 1)
    }

    /// Empties the pipe once its wake-up has been seen, so the next `poll(2)` blocks again.
    func drain() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &buffer, { read(self.descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Waits in `poll(2)` for `descriptors`, this pipe's read end added last, for at most `timeout` (`nil`: no
    /// limit). Returns the descriptors' `revents` in order, followed by the pipe's (all zero: the timeout
    /// passed); `nil` when the wait was interrupted (`EINTR`) or failed, so the caller looks again.
    @discardableResult
    func poll(_ descriptors: [(descriptor: CInt, events: Int16)], timeout: Duration?) -> [Int16]? {
        var set = descriptors.map { pollfd(fd: $0.descriptor, events: $0.events, revents: 0) }
        set.append(pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0))
        let milliseconds = timeout.map(Self.milliseconds) ?? -1
        guard Glibc.poll(&set, nfds_t(set.count), milliseconds) >= 0 else { return nil }
        return set.map(\.revents)
    }

    /// `duration` in whole milliseconds for `poll(2)`, rounded up so a wait never ends early; at most a day.
    static func milliseconds(_ duration: Duration) -> CInt {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let total = min(seconds, 86_400) * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return CInt(total)
    }
}
