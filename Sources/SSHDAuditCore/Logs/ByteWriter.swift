/// A growable byte buffer for rendering output lines, built for many small appends.
///
/// `[UInt8].append(contentsOf:)` costs a uniqueness check, a generic call and a `memmove` per append, which
/// dominated rendering a million events. This buffer owns one allocation, checks capacity once per append and
/// copies short runs byte by byte. It is `~Copyable`, so there is exactly one owner and no copy-on-write.
public struct ByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    /// - Parameter capacity: initial size; the buffer doubles when it runs out.
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 16)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit {
        self.base.deallocate()
    }

    /// The bytes written so far, as a copy (for tests and small outputs).
    public var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: self.base, count: self.count))
    }

    /// Calls `body` with the bytes written so far.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: self.base, count: self.count))
    }

    /// Forgets the contents, keeping the allocation.
    public mutating func removeAll() {
        self.count = 0
    }

    /// Appends one byte.
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        if self.count == self.capacity { self.grow(toAtLeast: self.count + 1) }
        self.base[self.count] = byte
        self.count += 1
    }

    /// Appends `bytes`.
    @inline(__always)
    public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        let length = bytes.count
        guard length > 0, let source = bytes.baseAddress else { return }
        if self.capacity - self.count < length { self.grow(toAtLeast: self.count + length) }
        let destination = self.base + self.count
        if length <= 16 {
            // Most fields are a few bytes long: a short loop beats a call into memmove.
            var index = 0
            while index < length {
                destination[index] = source[index]
                index += 1
            }
        } else {
            destination.update(from: source, count: length)
        }
        self.count += length
    }

    /// Appends a literal's UTF-8 bytes.
    @inline(__always)
    public mutating func append(_ literal: StaticString) {
        self.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends a string's UTF-8 bytes.
    @inline(__always)
    public mutating func append(_ string: String) {
        string.withUTF8Bytes { self.append(contentsOf: $0) }
    }

    /// Appends `value` in decimal, zero-padded to at least `width` digits.
    @inline(__always)
    public mutating func appendDecimal(_ value: Int, width: Int = 1) {
        if value >= 0 && value < 100 && width <= 2 {
            // Time stamp fields and small counts: the common case, without a division loop.
            if value >= 10 || width == 2 { self.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)) }
            self.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
            return
        }
        self.appendDecimalSlow(value, width: width)
    }

    private mutating func appendDecimalSlow(_ value: Int, width: Int) {
        if value < 0 {
            self.append(UInt8(ascii: "-"))
        }
        let magnitude = value.magnitude
        // Divisions by the constant 10 compile to multiplications; a division by a variable would not.
        var digits = 1
        var scan = magnitude
        while scan >= 10 {
            scan /= 10
            digits += 1
        }
        let length = max(digits, width)
        if self.capacity - self.count < length { self.grow(toAtLeast: self.count + length) }
        // Two digits per step: one 64-bit division by 100, then a cheap split of a number below 100.
        var rest = magnitude
        var index = self.count + length - 1
        let firstDigit = self.count + length - digits
        while index > firstDigit {
            let pair = UInt8(truncatingIfNeeded: rest % 100)
            rest /= 100
            self.base[index] = UInt8(ascii: "0") &+ pair % 10
            self.base[index - 1] = UInt8(ascii: "0") &+ pair / 10
            index -= 2
        }
        if index == firstDigit {
            self.base[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
            index -= 1
        }
        while index >= self.count {
            self.base[index] = UInt8(ascii: "0")
            index -= 1
        }
        self.count += length
    }

    private mutating func grow(toAtLeast needed: Int) {
        var newCapacity = self.capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: self.base, count: self.count)
        self.base.deallocate()
        self.base = newBase
        self.capacity = newCapacity
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place for native and small strings (no copy, no
    /// retain/release pair, unlike `var copy = self; copy.withUTF8`), through a copy otherwise.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = self.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
