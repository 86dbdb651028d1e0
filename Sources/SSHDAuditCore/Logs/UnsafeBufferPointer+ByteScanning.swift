// Byte-level helpers for the log parsers. They work on index ranges of one buffer so that classifying a line
// creates no intermediate strings or arrays; only the fields an event keeps become `String`s.

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes at `index` equal `literal` (false when they would run past `end`).
    @inline(__always)
    func matches(_ literal: StaticString, at index: Int, end: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, end - index >= count else { return false }
        let pattern = literal.utf8Start
        var offset = 0
        while offset < count {
            if self[index + offset] != pattern[offset] { return false }
            offset += 1
        }
        return true
    }

    /// The first index in `start..<end` where `literal` begins, or `nil`.
    func firstIndex(of literal: StaticString, from start: Int, end: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        guard count > 0 else { return start }
        let first = literal.utf8Start[0]
        var index = start
        let last = end - count
        while index <= last {
            if self[index] == first && self.matches(literal, at: index, end: end) { return index }
            index += 1
        }
        return nil
    }

    /// The last index in `start..<end` where `literal` begins, or `nil`: the right-anchored search that keeps
    /// attacker-controlled text on the left of a fixed tail from steering the parse.
    func lastIndex(of literal: StaticString, from start: Int, end: Int) -> Int? {
        let count = literal.utf8CodeUnitCount
        guard count > 0, end - start >= count else { return nil }
        let first = literal.utf8Start[0]
        var index = end - count
        while index >= start {
            if self[index] == first && self.matches(literal, at: index, end: end) { return index }
            index -= 1
        }
        return nil
    }

    /// The first index of `byte` in `start..<end`, or `nil`.
    @inline(__always)
    func firstIndex(of byte: UInt8, from start: Int, end: Int) -> Int? {
        var index = start
        while index < end {
            if self[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The last index of `byte` in `start..<end`, or `nil`.
    @inline(__always)
    func lastIndex(of byte: UInt8, from start: Int, end: Int) -> Int? {
        var index = end - 1
        while index >= start {
            if self[index] == byte { return index }
            index -= 1
        }
        return nil
    }

    /// The decimal number spelled by all of `start..<end` (1 to 18 digits, nothing else), or `nil`.
    @inline(__always)
    func decimal(from start: Int, end: Int) -> Int? {
        guard start < end, end - start <= 18 else { return nil }
        var value = 0
        var index = start
        while index < end {
            let digit = self[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
            index += 1
        }
        return value
    }

    /// The end of the run of ASCII digits starting at `start` (equal to `start` when there is none).
    @inline(__always)
    func digitsEnd(from start: Int, end: Int) -> Int {
        var index = start
        while index < end, self[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index
    }

    /// `start..<end` as a `String`; invalid UTF-8 becomes U+FFFD, so a hostile byte can never break an output
    /// format downstream.
    @inline(__always)
    func string(from start: Int, end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self[start..<end]), as: UTF8.self)
    }

    /// Whether `start..<end` is an IPv4 or IPv6 address as sshd prints them (`ssh_remote_ipaddr`): dotted quad,
    /// or RFC 4291 text with an optional embedded IPv4 tail and `%zone`.
    func isIPAddress(from start: Int, end: Int) -> Bool {
        guard start < end, end - start <= 64 else { return false }
        if self.firstIndex(of: UInt8(ascii: ":"), from: start, end: end) == nil {
            return self.isIPv4Address(from: start, end: end)
        }
        return self.isIPv6Address(from: start, end: end)
    }

    private func isIPv4Address(from start: Int, end: Int) -> Bool {
        var parts = 0
        var index = start
        while true {
            let digitsEnd = self.digitsEnd(from: index, end: end)
            guard digitsEnd > index, digitsEnd - index <= 3, let value = self.decimal(from: index, end: digitsEnd),
                value <= 255
            else { return false }
            parts += 1
            if digitsEnd == end { return parts == 4 }
            guard parts < 4, self[digitsEnd] == UInt8(ascii: ".") else { return false }
            index = digitsEnd + 1
        }
    }

    private func isIPv6Address(from start: Int, end: Int) -> Bool {
        var end = end
        if let percent = self.firstIndex(of: UInt8(ascii: "%"), from: start, end: end) {
            // A zone id (`fe80::1%eth0`) is an interface name: non-empty, no spaces.
            guard percent + 1 < end,
                self.firstIndex(of: UInt8(ascii: " "), from: percent + 1, end: end) == nil
            else { return false }
            end = percent
        }
        var groups = 0
        var sawDoubleColon = false
        var index = start
        if self.matches("::", at: index, end: end) {
            sawDoubleColon = true
            index += 2
            if index == end { return true }
        }
        while index < end {
            var groupEnd = index
            while groupEnd < end, groupEnd - index <= 4, self[groupEnd].isHexDigit { groupEnd += 1 }
            if groupEnd < end, self[groupEnd] == UInt8(ascii: ".") {
                // An embedded IPv4 tail (`::ffff:192.0.2.1`) counts as two groups and ends the address.
                guard self.isIPv4Address(from: index, end: end) else { return false }
                groups += 2
                index = end
                break
            }
            guard groupEnd > index, groupEnd - index <= 4 else { return false }
            groups += 1
            index = groupEnd
            if index == end { break }
            guard self[index] == UInt8(ascii: ":") else { return false }
            if self.matches("::", at: index, end: end) {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                index += 2
                if index == end { break }
            } else {
                index += 1
                guard index < end else { return false }
            }
        }
        return sawDoubleColon ? groups < 8 : groups == 8
    }
}

extension UInt8 {
    @inline(__always)
    var isHexDigit: Bool {
        (self &- UInt8(ascii: "0")) < 10 || ((self | 0x20) &- UInt8(ascii: "a")) < 6
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether every byte is ASCII (below 0x80), eight bytes per step: ASCII bytes are valid UTF-8 as they are.
    var isASCII: Bool {
        guard let base = self.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var high: UInt64 = 0
        while self.count - index >= 8 {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < self.count {
            high |= UInt64(self[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
