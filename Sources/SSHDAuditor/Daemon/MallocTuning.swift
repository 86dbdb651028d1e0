import CMalloc

/// glibc malloc settings for the daemon, which must be applied before its second thread first allocates.
///
/// Measured in the sandbox at the end of a 30 s flood of 5,000 sshd lines a second (bench/daemon-idle.sh
/// FLOOD=1, malloc_info through gdb), with glibc's defaults: seven arenas (the main one and one per thread that
/// ever allocated, each reserving 64 MiB of address space), two of them busy with 4.3 and 5.4 MB taken from the
/// system, of which 7.6 MB were free chunks. Each cycle's transient allocations (the findings of 2,000 source
/// addresses and their status document) landed in whichever thread's arena ran it and stayed there as free,
/// but resident, memory. Hence:
/// - one arena (``arenaMaximum``): the daemon's few threads take turns on one actor, so they hardly contend for
///   malloc's lock, and free memory left by one thread is reused by the next instead of sitting in its arena;
/// - a fixed mmap threshold (``mmapThreshold``): allocations of at least 64 KiB get their own mapping and go back
///   to the system when freed. The default threshold rises to the size of each large block freed (up to 32 MiB),
///   after which such blocks come from the heap and are kept;
/// - a fixed trim threshold (``trimThreshold``): free memory at the top of the heap beyond 128 KiB goes back to
///   the system when a block is freed. That is glibc's default too, but its dynamic mmap threshold raises it to
///   twice the largest mapping freed; set explicitly, neither moves.
///
/// The one-shot commands keep glibc's defaults: they end before retained memory matters.
public enum MallocTuning {
    /// At most this many arenas (`M_ARENA_MAX`).
    public static let arenaMaximum: Int32 = 1
    /// Allocations of this size and more are mapped on their own (`M_MMAP_THRESHOLD`).
    public static let mmapThreshold: Int32 = 64 * 1024
    /// Free memory at the top of the heap beyond this is given back (`M_TRIM_THRESHOLD`).
    public static let trimThreshold: Int32 = 128 * 1024

    /// Applies the settings with `mallopt(3)`; returns whether glibc accepted all three.
    ///
    /// Call it before any other thread starts: glibc fixes the number of arenas the first time a thread needs
    /// one of its own, and an arena made before stays in use.
    @discardableResult
    public static func applyForDaemon() -> Bool {
        // mallopt returns 1 on success, 0 on error.
        let results = [
            mallopt(M_ARENA_MAX, Self.arenaMaximum),
            mallopt(M_MMAP_THRESHOLD, Self.mmapThreshold),
            mallopt(M_TRIM_THRESHOLD, Self.trimThreshold),
        ]
        return results.allSatisfy { $0 == 1 }
    }

    /// Gives the free pages inside the heap back to the system (`malloc_trim(0)`), not only those at its top.
    ///
    /// Meant for after a cycle: under a flood, each cycle's findings and transitions (thousands of them) are
    /// freed when it ends, and the pages they leave between live blocks would otherwise stay resident until the
    /// next cycle reuses them. With one arena and a few hundred free chunks this is a walk of malloc's bins and
    /// a few `madvise` calls; the pages are faulted in again by the next cycle.
    public static func releaseFreeMemory() {
        _ = malloc_trim(0)
    }
}
