/// Event counts per key (a source address, a path) in time buckets over a sliding window: what a window-based
/// check needs of a flood of log lines, in memory that does not grow with the flood.
///
/// The buckets of one key form a ring of ``span`` slots, and the rings of all keys lie in one flat array, one
/// row each; row 0 counts whatever has no row of its own: events without a key, and those of keys beyond
/// ``maximumKeys`` or ``maximumKeyBytes`` ("others"), so totals stay right when the keys do not fit. A key whose
/// counts have all left the window gives its row back, and when every count has left, the storage is released.
///
/// Memory: `(maximumKeys + 1) x span` slots of `Count` and an 8-byte total per row, plus the keys' text (at most
/// ``maximumKeyBytes`` in all, and a string header each), a dictionary entry (24 bytes) and a row table entry
/// (16 bytes) per key; ``span`` is at most ``maximumSlots``, so the bound (``maximumBytes(window:maximumKeys:
/// maximumKeyBytes:)``) does not depend on the window's length or the log's rate.
///
/// The window's edge is exact to one bucket: a query counts the buckets that start at or after its start.
/// Buckets are one second long for windows up to ``maximumSlots`` - 1 seconds (longer windows get longer
/// buckets), so with whole-second stamps (syslog) a query counts exactly the events whose time is within it;
/// with the journal's microsecond stamps, the window's oldest partial second is left out.
///
/// A slot saturates at `Count.max` events in one bucket: with `UInt16`, 65,535 lines a second about one
/// address or path, which sshd cannot write (only forged lines could, and such a count stays far above any
/// threshold).
struct BucketedCounts<Count: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable, Hashable {
    /// The most slots one key's ring has: 121 one-second buckets cover a two-minute window.
    static var maximumSlots: Int { 121 }

    /// The length of one bucket, in seconds.
    let bucketSeconds: Int64
    /// Slots per key: enough buckets to cover the window from its first whole bucket to the newest.
    let span: Int
    /// The most keys counted separately; the rest count as others.
    let maximumKeys: Int
    /// The most bytes of UTF-8 the keys counted separately hold together; a key that would pass it counts as
    /// others.
    let maximumKeyBytes: Int
    /// The bytes of UTF-8 of the keys counted separately now.
    private var keyBytes = 0
    /// The index (time / bucket length) of the newest bucket, `nil` before the first event or advance.
    private(set) var newestBucket: Int64?
    /// Each key's row (1 and up).
    private var rowOfKey: [String: Int] = [:]
    /// Each row's key; `nil` for row 0 and for free rows.
    private var keyOfRow: [String?] = []
    /// Rows given back, to be reused before the storage grows.
    private var freeRows: [Int] = []
    /// `span` slots per row, row after row.
    private var slots: [Count] = []
    /// The sum of each row's slots.
    private var totals: [UInt64] = []

    /// Counts over `window`, up to `maximumKeys` keys of `maximumKeyBytes` bytes in all separately.
    init(window: Duration, maximumKeys: Int, maximumKeyBytes: Int = 0) {
        let (wholeSeconds, attoseconds) = window.components
        // At most ~35,000 years: keeps the arithmetic below far from overflowing.
        let seconds = min(max(1, wholeSeconds + (attoseconds > 0 ? 1 : 0)), 1 << 40)
        let slotsForWindow = Int64(Self.maximumSlots - 1)
        self.bucketSeconds = max(1, (seconds + slotsForWindow - 1) / slotsForWindow)
        self.span = Int((seconds + self.bucketSeconds - 1) / self.bucketSeconds) + 1
        self.maximumKeys = max(0, maximumKeys)
        self.maximumKeyBytes = max(0, maximumKeyBytes)
    }

    /// The same counts over another window (a reloaded configuration): each bucket is carried over at its start
    /// time, so counts are kept to the precision of the coarser of the two bucket lengths.
    func resized(window: Duration) -> BucketedCounts {
        var resized = BucketedCounts(
            window: window,
            maximumKeys: self.maximumKeys,
            maximumKeyBytes: self.maximumKeyBytes
        )
        guard let newest = self.newestBucket else { return resized }
        resized.advance(to: self.startTime(of: newest))
        for row in self.totals.indices where self.totals[row] > 0 {
            for bucket in (newest - Int64(self.span) + 1)...newest {
                let count = self.slots[row * self.span + self.slotIndex(bucket)]
                resized.add(self.keyOfRow[row], at: self.startTime(of: bucket), count: Int(count))
            }
        }
        return resized
    }

    // MARK: - Counting

    /// Moves the newest bucket forward to the one holding `time`, forgetting the buckets that leave the ring.
    /// An earlier time changes nothing.
    mutating func advance(to time: Duration) {
        let bucket = self.bucket(of: time)
        guard let newest = self.newestBucket else {
            self.newestBucket = bucket
            return
        }
        guard bucket > newest else { return }
        self.newestBucket = bucket
        let steps = Int(min(bucket - newest, Int64(self.span)))
        for row in self.totals.indices where self.totals[row] > 0 {
            let base = row * self.span
            for step in 1...steps {
                let index = base + self.slotIndex(newest + Int64(step))
                self.totals[row] -= UInt64(self.slots[index])
                self.slots[index] = 0
            }
            if self.totals[row] == 0, let key = self.keyOfRow[row] {
                self.keyBytes -= key.utf8.count
                self.rowOfKey[key] = nil
                self.keyOfRow[row] = nil
                self.freeRows.append(row)
            }
        }
        if self.rowOfKey.isEmpty && (self.totals.first ?? 0) == 0 && !self.totals.isEmpty {
            // The flood is over: give its memory back.
            self.slots = []
            self.totals = []
            self.keyOfRow = []
            self.freeRows = []
            self.rowOfKey = [:]
        }
    }

    /// Counts `count` events of `key` (`nil`: no key, counted with the others) at `time`. A time after the newest
    /// bucket advances to it; one before the ring's oldest bucket is not counted (it is outside any window).
    mutating func add(_ key: String?, at time: Duration, count: Int = 1) {
        guard count > 0 else { return }
        let bucket = self.bucket(of: time)
        if self.newestBucket.map({ bucket > $0 }) ?? true { self.advance(to: time) }
        guard let newest = self.newestBucket, bucket > newest - Int64(self.span) else { return }
        if self.totals.isEmpty {
            self.slots = Array(repeating: 0, count: self.span)
            self.totals = [0]
            self.keyOfRow = [nil]
        }
        let row = if let key { self.row(for: key) } else { 0 }
        let index = row * self.span + self.slotIndex(bucket)
        // Saturating (see the type's comment).
        let added = Count(clamping: min(UInt64(count), UInt64(Count.max - self.slots[index])))
        self.slots[index] += added
        self.totals[row] += UInt64(added)
    }

    // MARK: - Queries

    /// The counts of the buckets starting at or after `since`: per key (keys with none are left out) and for
    /// the others.
    func counts(since: Duration) -> (byKey: [String: Int], others: Int) {
        guard let range = self.buckets(since: since), !self.totals.isEmpty else { return ([:], 0) }
        var byKey: [String: Int] = [:]
        byKey.reserveCapacity(self.rowOfKey.count)
        for (key, row) in self.rowOfKey {
            let count = self.sum(row: row, range)
            if count > 0 { byKey[key] = count }
        }
        return (byKey, self.sum(row: 0, range))
    }

    /// The sum of every key's and the others' buckets starting at or after `since`.
    func total(since: Duration) -> Int {
        guard let range = self.buckets(since: since) else { return 0 }
        return self.totals.indices.reduce(0) { $0 + self.sum(row: $1, range) }
    }

    /// How many keys are counted separately now.
    var keyCount: Int { self.rowOfKey.count }

    /// The bytes this value holds on the heap now, by the layout in the type's comment (for tests of the bound).
    var storageBytes: Int {
        let keys = self.rowOfKey.keys.reduce(0) { $0 + ($1.utf8.count <= 15 ? 0 : $1.utf8.count + Self.keyOverhead) }
        return self.slots.capacity * MemoryLayout<Count>.stride + self.totals.capacity * 8 + self.keyOfRow.capacity * 16
            + self.freeRows.capacity * 8 + self.rowOfKey.capacity * 24 + keys
    }

    /// The most bytes a value with these limits can hold on the heap: the rows of `maximumKeys` keys and the
    /// others, with arrays grown by doubling (up to twice their need), and the keys' text.
    static func maximumBytes(window: Duration, maximumKeys: Int, maximumKeyBytes: Int) -> Int {
        let counts = BucketedCounts(window: window, maximumKeys: maximumKeys, maximumKeyBytes: maximumKeyBytes)
        let rows = counts.maximumKeys + 1
        let perRow = counts.span * MemoryLayout<Count>.stride + 8 + 16 + 8
        // A dictionary's storage is a power of two at most 4/3 of its count, doubled: under 3 entries per key.
        return 2 * rows * perRow + 3 * rows * 24 + counts.maximumKeyBytes + counts.maximumKeys * Self.keyOverhead
    }

    /// What a key takes on the heap beyond its text: a 32-byte string header, the terminator, malloc's 8-byte
    /// chunk header and the rounding to 16 (a key of up to 15 bytes is stored inline and takes nothing).
    private static var keyOverhead: Int { 56 }

    // MARK: - Buckets

    private func bucket(of time: Duration) -> Int64 {
        var (seconds, attoseconds) = time.components
        if attoseconds < 0 { seconds -= 1 }
        return Self.floorDivide(seconds, self.bucketSeconds)
    }

    /// The first bucket starting at or after `time`.
    private func firstBucket(startingAtOrAfter time: Duration) -> Int64 {
        var (seconds, attoseconds) = time.components
        if attoseconds < 0 {
            seconds -= 1
            attoseconds += 1_000_000_000_000_000_000
        }
        let quotient = Self.floorDivide(seconds, self.bucketSeconds)
        let remainder = seconds - quotient * self.bucketSeconds
        return quotient + (remainder > 0 || attoseconds > 0 ? 1 : 0)
    }

    /// The buckets in the ring starting at or after `since`; `nil` when there are none.
    private func buckets(since: Duration) -> ClosedRange<Int64>? {
        guard let newest = self.newestBucket else { return nil }
        let first = max(self.firstBucket(startingAtOrAfter: since), newest - Int64(self.span) + 1)
        return first <= newest ? first...newest : nil
    }

    private func startTime(of bucket: Int64) -> Duration { .seconds(bucket * self.bucketSeconds) }

    private func slotIndex(_ bucket: Int64) -> Int {
        Int(bucket - Self.floorDivide(bucket, Int64(self.span)) * Int64(self.span))
    }

    private func sum(row: Int, _ range: ClosedRange<Int64>) -> Int {
        guard self.totals[row] > 0 else { return 0 }
        // The whole ring: the running total.
        if range.count == self.span { return Int(self.totals[row]) }
        let base = row * self.span
        var sum: UInt64 = 0
        for bucket in range { sum += UInt64(self.slots[base + self.slotIndex(bucket)]) }
        return Int(sum)
    }

    private mutating func row(for key: String) -> Int {
        if let row = self.rowOfKey[key] { return row }
        let bytes = key.utf8.count
        guard self.rowOfKey.count < self.maximumKeys, self.keyBytes + bytes <= self.maximumKeyBytes else { return 0 }
        self.keyBytes += bytes
        let row: Int
        if let free = self.freeRows.popLast() {
            row = free
            self.keyOfRow[row] = key
        } else {
            row = self.totals.count
            self.totals.append(0)
            self.keyOfRow.append(key)
            self.slots.append(contentsOf: repeatElement(0, count: self.span))
        }
        self.rowOfKey[key] = row
        return row
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
