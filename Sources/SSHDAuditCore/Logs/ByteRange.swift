/// A `start..<end` byte range of a line in 8 bytes; `start == -1` stands for `nil`.
struct ByteRange: Sendable, Hashable {
    var start: Int32
    var end: Int32

    static let none = ByteRange(start: -1, end: -1)

    /// `start..<end`; lines are cut at 2 GiB by the 32-bit offsets, far beyond any syslog line.
    @inline(__always)
    init(_ start: Int, _ end: Int) {
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
    }

    @inline(__always)
    private init(start: Int32, end: Int32) {
        self.start = start
        self.end = end
    }

    @inline(__always)
    var isNone: Bool { self.start < 0 }

    var range: Range<Int>? {
        self.isNone ? nil : Int(self.start)..<Int(self.end)
    }

    /// The bytes of `line` in this range (`nil` for ``none``).
    @inline(__always)
    func bytes(in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        self.isNone ? nil : UnsafeBufferPointer(rebasing: line[Int(self.start)..<Int(self.end)])
    }

    func string(in line: UnsafeBufferPointer<UInt8>) -> String? {
        self.isNone ? nil : line.string(from: Int(self.start), end: Int(self.end))
    }
}
