/// Turns the message text of one sshd log line into an ``SSHDLogEvent``.
///
/// The same classifier serves auth.log lines (after ``SyslogLineParser``) and journal `MESSAGE` fields. It
/// never fails: text it does not recognise becomes ``SSHDLogEventKind/other`` with the message in
/// ``SSHDLogEvent/detail``.
///
/// Formats are OpenSSH's own (`auth.c`, `auth2.c`, `packet.c`, `sshd.c`, `srclimit.c`, `misc.c`). User names
/// are attacker-controlled and printed verbatim by sshd, so every line with a user name is parsed from its
/// fixed right-hand tail (`from ADDR port PORT ssh2`, `ADDR port PORT`), and the address must be a valid IP
/// address: a user called `x from 203.0.113.9 port 22` cannot change the recorded address.
///
/// Dispatch is on the first byte, then one fixed prefix comparison, so an unrelated line costs a few byte
/// compares. The classifier fills an ``SSHDLogEventRanges`` (byte ranges, nothing allocated); only the
/// `String`-returning entry points build the owned event's strings, once, at the end.
public enum SSHDMessageClassifier {
    /// Classifies `message` (the text after `sshd[PID]: `).
    public static func classify(_ message: String) -> SSHDLogEvent {
        var copy = message
        return copy.withUTF8 { classify($0) }
    }

    /// Classifies the message bytes `message` (the text after `sshd[PID]: `).
    public static func classify(_ message: UnsafeBufferPointer<UInt8>) -> SSHDLogEvent {
        classifyRanges(message).event(in: message)
    }

    /// Classifies the message bytes `message` without creating strings: the event's text fields are ranges of
    /// `message`.
    public static func classifyRanges(_ message: UnsafeBufferPointer<UInt8>) -> SSHDLogEventRanges {
        var event = SSHDLogEventRanges(kind: .other)
        classify(message, from: 0, end: message.count, into: &event)
        return event
    }

    /// Classifies `message[start..<end]` into `event`, which must be fresh (`SSHDLogEventRanges(kind: .other)`).
    ///
    /// Filling a caller's value field by field, rather than returning a new one, spares copying the whole event
    /// several times per line on the hot path.
    static func classify(
        _ m: UnsafeBufferPointer<UInt8>,
        from start: Int,
        end fullEnd: Int,
        into event: inout SSHDLogEventRanges
    ) {
        var end = fullEnd
        // Trailing CR (a CRLF file) and spaces are not part of any format.
        while end > start, m[end - 1] == UInt8(ascii: "\r") || m[end - 1] == UInt8(ascii: " ") { end -= 1 }
        if let countStart = m.index(after: "message repeated ", at: start, end: end) {
            // rsyslog's RepeatedMsgReduction folds identical lines into `message repeated N times: [ MESSAGE]`.
            let countEnd = m.digitsEnd(from: countStart, end: end)
            if let count = m.decimal(from: countStart, end: countEnd),
                let inner = m.index(after: " times: [ ", at: countEnd, end: end),
                m[end - 1] == UInt8(ascii: "]"), inner < end
            {
                classify(m, from: inner, end: end - 1, into: &event)
                event.storedRepeated = count
                return
            }
        }
        var preauth = false
        // Only the last suffix counts: sshd's monitor appends exactly one, and a user name may contain another.
        let suffix: StaticString = " [preauth]"
        if end - start >= suffix.utf8CodeUnitCount, m.matches(suffix, at: end - suffix.utf8CodeUnitCount, end: end) {
            preauth = true
            end -= suffix.utf8CodeUnitCount
        }
        // log.c prefixes error- and fatal-level messages; the level adds nothing the kind does not say.
        let begin =
            m.index(after: "error: ", at: start, end: end) ?? m.index(after: "fatal: ", at: start, end: end) ?? start
        if !recognise(m, from: begin, end: end, into: &event) {
            // A recogniser may have filled some fields before the line failed its format: start afresh.
            event = SSHDLogEventRanges(kind: .other)
            event.storedDetail = ByteRange(start, fullEnd)
        }
        event.preauth = preauth
    }

    // MARK: - Dispatch

    private static func recognise(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard s < e else { return false }
        switch m[s] {
        case UInt8(ascii: "A"):
            if let rest = m.index(after: "Accepted ", at: s, end: e) {
                return authResult(m, from: rest, end: e, accepted: true, into: &event)
            }
            if let rest = m.index(after: "Authentication refused: bad ownership or modes for ", at: s, end: e) {
                return badModes(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "F"):
            if let rest = m.index(after: "Failed ", at: s, end: e) {
                return authResult(m, from: rest, end: e, accepted: false, into: &event)
            }
        case UInt8(ascii: "I"):
            if let rest = m.index(after: "Invalid user ", at: s, end: e) {
                return invalidUser(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "C"):
            if let rest = m.index(after: "Connection closed by ", at: s, end: e) {
                return connectionEnd(.connectionClosed, m, from: rest, end: e, into: &event)
            }
            if let rest = m.index(after: "Connection reset by ", at: s, end: e) {
                return connectionEnd(.connectionReset, m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "D"):
            if let rest = m.index(after: "Disconnected from ", at: s, end: e) {
                return connectionEnd(.disconnected, m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "R"):
            if let rest = m.index(after: "Received disconnect from ", at: s, end: e) {
                return receivedDisconnect(m, from: rest, end: e, into: &event)
            }
            if let rest = m.index(after: "Received signal ", at: s, end: e) {
                return terminating(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "T"):
            if let rest = m.index(after: "Timeout before authentication for ", at: s, end: e) {
                return timeout(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "S"):
            if let rest = m.index(after: "Server listening on ", at: s, end: e) {
                return listening(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "B"):
            if let rest = m.index(after: "Bind to port ", at: s, end: e) {
                return bindFailed(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "M"):
            if let rest = m.index(after: "Missing privilege separation directory: ", at: s, end: e), rest < e {
                event.kind = .missingPrivilegeSeparationDirectory
                event.storedPath = ByteRange(rest, e)
                return true
            }
            if let rest = m.index(after: "Maxstartups logging rate-limited: additional ", at: s, end: e) {
                return rateLimited(m, reason: .maxStartups, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "P"):
            if let rest = m.index(after: "PerSourcePenalties logging rate-limited: additional ", at: s, end: e) {
                return rateLimited(m, reason: .perSourcePenalties, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "b"):
            if e - s == 32 && m.matches("beginning MaxStartups throttling", at: s, end: e) {
                event.kind = .maxStartupsBegin
                return true
            }
        case UInt8(ascii: "i"):
            if let rest = m.index(after: "in MaxStartups throttling for ", at: s, end: e) {
                return throttling(.maxStartupsThrottling, m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "e"):
            if let rest = m.index(after: "exited MaxStartups throttling after ", at: s, end: e) {
                return throttling(.maxStartupsExited, m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "d"):
            if let rest = m.index(after: "drop connection #", at: s, end: e) {
                return dropConnection(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "m"):
            if let rest = m.index(after: "maximum authentication attempts exceeded for ", at: s, end: e) {
                return maxAuthTries(m, from: rest, end: e, into: &event)
            }
        case UInt8(ascii: "s"):
            if e - s == 39 && m.matches("sshd: no hostkeys available -- exiting.", at: s, end: e) {
                event.kind = .noHostKeys
                return true
            }
        default:
            break
        }
        return false
    }

    // MARK: - Authentication

    /// `METHOD for [invalid user ]USER from ADDR port PORT ssh2[: DETAIL]` (auth.c `auth_log`).
    private static func authResult(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        accepted: Bool,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard let methodEnd = m.firstIndex(of: UInt8(ascii: " "), from: s, end: e), methodEnd > s,
            m.matches(" for ", at: methodEnd, end: e),
            let tail = sshTail(m, from: methodEnd + 5, end: e)
        else { return false }
        let afterFor = methodEnd + 5
        let invalidUserStart = m.index(after: "invalid user ", at: afterFor, end: tail.fromIndex)
        let userStart = invalidUserStart ?? afterFor
        let kind: SSHDLogEventKind
        if accepted {
            kind = .accepted
        } else if methodEnd - s == 8 && m.matches("password", at: s, end: methodEnd) {
            kind = .failedPassword
        } else if methodEnd - s == 9 && m.matches("publickey", at: s, end: methodEnd) {
            kind = .failedPublickey
        } else {
            kind = .failedOther
        }
        event.kind = kind
        event.storedUser = ByteRange(userStart, tail.fromIndex)
        event.invalidUser = invalidUserStart != nil
        event.storedAddress = ByteRange(tail.addressStart, tail.addressEnd)
        event.storedPort = tail.port
        event.storedMethod = ByteRange(s, methodEnd)
        if let detailStart = tail.detailStart { event.storedDetail = ByteRange(detailStart, e) }
        return true
    }

    /// `[invalid user ]USER from ADDR port PORT ssh2` (auth.c `auth_maxtries_exceeded`).
    private static func maxAuthTries(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard let tail = sshTail(m, from: s, end: e), tail.detailStart == nil else { return false }
        let invalidUserStart = m.index(after: "invalid user ", at: s, end: tail.fromIndex)
        event.kind = .maxAuthTriesExceeded
        event.storedUser = ByteRange(invalidUserStart ?? s, tail.fromIndex)
        event.invalidUser = invalidUserStart != nil
        event.storedAddress = ByteRange(tail.addressStart, tail.addressEnd)
        event.storedPort = tail.port
        return true
    }

    /// Where the fixed tail ` from ADDR port PORT ssh2[: DETAIL]` sits in `s..<e`.
    private struct SSHTail {
        /// Index of the space before `from`: the user name ends here.
        var fromIndex: Int
        var addressStart: Int
        var addressEnd: Int
        var port: Int
        /// Start of the text after `ssh2: `, if any.
        var detailStart: Int?
    }

    /// Finds the rightmost ` from ADDR port PORT ssh2` followed by the end of the line or `: `, with ADDR a valid
    /// IP address. The key detail after `ssh2: ` comes from sshd, so the rightmost match is the real one; only a
    /// hostbased or certificate detail could itself contain such text, and it would have to carry a valid tail.
    private static func sshTail(_ m: UnsafeBufferPointer<UInt8>, from s: Int, end e: Int) -> SSHTail? {
        var searchEnd = e
        while let ssh2 = m.lastIndex(of: " ssh2", from: s, end: searchEnd) {
            searchEnd = ssh2 + 4
            let afterSSH2 = ssh2 + 5
            var detailStart: Int? = nil
            if afterSSH2 != e {
                guard m.matches(": ", at: afterSSH2, end: e) else { continue }
                detailStart = afterSSH2 + 2
            }
            let portStart = m.digitsStartBackwards(before: ssh2, limit: s)
            guard portStart < ssh2, m.matches(" port ", at: portStart - 6, end: ssh2),
                let port = m.decimal(from: portStart, end: ssh2),
                let from = m.lastIndex(of: " from ", from: s, end: portStart - 6),
                m.isIPAddress(from: from + 6, end: portStart - 6)
            else { continue }
            let addressEnd = portStart - 6
            return SSHTail(
                fromIndex: from,
                addressStart: from + 6,
                addressEnd: addressEnd,
                port: port,
                detailStart: detailStart
            )
        }
        return nil
    }

    /// `USER from ADDR port PORT` (auth.c `getpwnamallow`), anchored at the end of the line.
    private static func invalidUser(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard let (addressStart, addressEnd, port) = addressPortTail(m, from: s, end: e),
            m.matches(" from ", at: addressStart - 6, end: addressStart), addressStart - 6 >= s
        else { return false }
        event.kind = .invalidUser
        event.storedUser = ByteRange(s, addressStart - 6)
        event.invalidUser = true
        event.storedAddress = ByteRange(addressStart, addressEnd)
        event.storedPort = port
        return true
    }

    /// `[authenticating user USER |invalid user USER |user USER ]ADDR port PORT` (packet.c's connection id).
    private static func connectionEnd(
        _ kind: SSHDLogEventKind,
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard let (addressStart, addressEnd, port) = addressPortTail(m, from: s, end: e) else { return false }
        event.kind = kind
        event.storedAddress = ByteRange(addressStart, addressEnd)
        event.storedPort = port
        guard addressStart > s else { return true }
        // Everything left of the address is the log preamble naming the user; it ends in the space before ADDR.
        let preambleEnd = addressStart - 1
        let userStart: Int
        if let rest = m.index(after: "authenticating user ", at: s, end: addressStart) {
            userStart = rest
        } else if let rest = m.index(after: "invalid user ", at: s, end: addressStart) {
            userStart = rest
            event.invalidUser = true
        } else if let rest = m.index(after: "user ", at: s, end: addressStart) {
            userStart = rest
        } else {
            return false
        }
        guard userStart <= preambleEnd else { return false }
        event.storedUser = ByteRange(userStart, preambleEnd)
        return true
    }

    /// ` ADDR port PORT` at the very end of `s..<e`: the address is the word before ` port `, validated.
    private static func addressPortTail(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int
    ) -> (addressStart: Int, addressEnd: Int, port: Int)? {
        let portStart = m.digitsStartBackwards(before: e, limit: s)
        guard portStart < e, let port = m.decimal(from: portStart, end: e),
            m.matches(" port ", at: portStart - 6, end: portStart), portStart - 6 >= s
        else { return nil }
        let addressEnd = portStart - 6
        let addressStart = (m.lastIndex(of: UInt8(ascii: " "), from: s, end: addressEnd) ?? (s - 1)) + 1
        guard m.isIPAddress(from: addressStart, end: addressEnd) else { return nil }
        return (addressStart, addressEnd, port)
    }

    /// `ADDR port PORT:CODE: TEXT` (packet.c). The address comes first and is sshd's own, so the parse runs
    /// left to right; the client's text is everything after the code.
    private static func receivedDisconnect(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard let portWord = m.firstIndex(of: " port ", from: s, end: e), m.isIPAddress(from: s, end: portWord)
        else { return false }
        let portStart = portWord + 6
        let portEnd = m.digitsEnd(from: portStart, end: e)
        guard let port = m.decimal(from: portStart, end: portEnd), portEnd < e, m[portEnd] == UInt8(ascii: ":")
        else { return false }
        let codeEnd = m.digitsEnd(from: portEnd + 1, end: e)
        guard let code = m.decimal(from: portEnd + 1, end: codeEnd) else { return false }
        var textStart = codeEnd
        if m.matches(": ", at: textStart, end: e) { textStart += 2 }
        event.kind = .receivedDisconnect
        event.storedAddress = ByteRange(s, portWord)
        event.storedPort = port
        event.storedCount = code
        event.storedDetail = ByteRange(textStart, e)
        return true
    }

    /// `ADDR port PORT` (up to 9.7) or `connection from ADDR[ to LADDR], pid = N[ STATUS]` (9.8+).
    private static func timeout(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        if let rest = m.index(after: "connection from ", at: s, end: e) {
            guard let pidWord = m.firstIndex(of: ", pid = ", from: rest, end: e) else { return false }
            let pidEnd = m.digitsEnd(from: pidWord + 8, end: e)
            guard let pid = m.decimal(from: pidWord + 8, end: pidEnd) else { return false }
            event.kind = .timeoutBeforeAuthentication
            event.storedSessionPID = pid
            if let to = m.firstIndex(of: " to ", from: rest, end: pidWord) {
                guard m.isIPAddress(from: rest, end: to), m.isIPAddress(from: to + 4, end: pidWord) else {
                    return false
                }
                event.storedAddress = ByteRange(rest, to)
                event.storedListenerAddress = ByteRange(to + 4, pidWord)
            } else {
                guard m.isIPAddress(from: rest, end: pidWord) else { return false }
                event.storedAddress = ByteRange(rest, pidWord)
            }
            return true
        }
        guard let (addressStart, addressEnd, port) = addressPortTail(m, from: s, end: e), addressStart == s else {
            return false
        }
        event.kind = .timeoutBeforeAuthentication
        event.storedAddress = ByteRange(addressStart, addressEnd)
        event.storedPort = port
        return true
    }

    // MARK: - Listener

    /// `N from [ADDR]:PORT on [LADDR]:LPORT REASON` (sshd.c `drop_connection`).
    private static func dropConnection(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        let startupsEnd = m.digitsEnd(from: s, end: e)
        guard let startups = m.decimal(from: s, end: startupsEnd),
            m.matches(" from [", at: startupsEnd, end: e),
            let remote = bracketedEndpoint(m, from: startupsEnd + 6, end: e),
            m.matches(" on [", at: remote.end, end: e),
            let local = bracketedEndpoint(m, from: remote.end + 4, end: e),
            local.end < e, m[local.end] == UInt8(ascii: " ")
        else { return false }
        let reasonStart = local.end + 1
        event.kind = .dropConnection
        event.storedAddress = remote.address
        event.storedPort = remote.port
        event.storedListenerAddress = local.address
        event.storedListenerPort = local.port
        event.storedCount = startups
        switch e - reasonStart {
        case 16 where m.matches("past MaxStartups", at: reasonStart, end: e),
            16 where m.matches("past Maxstartups", at: reasonStart, end: e),
            11 where m.matches("Maxstartups", at: reasonStart, end: e):
            event.dropReason = .maxStartups
        case 18 where m.matches("PerSourcePenalties", at: reasonStart, end: e):
            event.dropReason = .perSourcePenalties
        default:
            guard m.matches("penalty: ", at: reasonStart, end: e) else { return false }
            event.dropReason = .perSourcePenalties
            event.storedPenalty = ByteRange(reasonStart + 9, e)
        }
        return true
    }

    /// `[ADDR]:PORT` starting at the `[`.
    private static func bracketedEndpoint(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int
    ) -> (address: ByteRange, port: Int, end: Int)? {
        guard s < e, m[s] == UInt8(ascii: "["),
            let close = m.firstIndex(of: UInt8(ascii: "]"), from: s + 1, end: e),
            m.isIPAddress(from: s + 1, end: close),
            close + 1 < e, m[close + 1] == UInt8(ascii: ":")
        else { return nil }
        let portEnd = m.digitsEnd(from: close + 2, end: e)
        guard let port = m.decimal(from: close + 2, end: portEnd) else { return nil }
        return (ByteRange(s + 1, close), port, portEnd)
    }

    /// `DURATION, N connections dropped` (sshd.c, 8.4-9.9).
    private static func throttling(
        _ kind: SSHDLogEventKind,
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard m.matches(" connections dropped", at: e - 20, end: e),
            let comma = m.firstIndex(of: UInt8(ascii: ","), from: s, end: e - 20),
            comma + 1 < e - 20, m[comma + 1] == UInt8(ascii: " "),
            let dropped = m.decimal(from: comma + 2, end: e - 20)
        else { return false }
        event.kind = kind
        event.storedCount = dropped
        event.storedDuration = ByteRange(s, comma)
        return true
    }

    /// `N connections dropped` after the rate-limit prefix (sshd.c, 10.0+).
    private static func rateLimited(
        _ m: UnsafeBufferPointer<UInt8>,
        reason: SSHDLogEventRanges.DropReason,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard m.matches(" connections dropped", at: e - 20, end: e), let dropped = m.decimal(from: s, end: e - 20)
        else { return false }
        event.kind = .dropRateLimited
        event.storedCount = dropped
        event.dropReason = reason
        return true
    }

    /// `ADDR port PORT.` with an optional ` rdomain NAME` before the dot.
    private static func listening(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        guard e > s, m[e - 1] == UInt8(ascii: "."),
            let portWord = m.firstIndex(of: " port ", from: s, end: e),
            m.isIPAddress(from: s, end: portWord)
        else { return false }
        let portEnd = m.digitsEnd(from: portWord + 6, end: e)
        guard let port = m.decimal(from: portWord + 6, end: portEnd),
            portEnd == e - 1 || m.matches(" rdomain ", at: portEnd, end: e)
        else { return false }
        event.kind = .serverListening
        event.storedListenerAddress = ByteRange(s, portWord)
        event.storedListenerPort = port
        return true
    }

    /// `PORT on ADDR failed: REASON.` (sshd.c `listen_on_addrs`).
    private static func bindFailed(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        let portEnd = m.digitsEnd(from: s, end: e)
        guard let port = m.decimal(from: s, end: portEnd), m.matches(" on ", at: portEnd, end: e),
            let failed = m.firstIndex(of: " failed: ", from: portEnd + 4, end: e),
            m.isIPAddress(from: portEnd + 4, end: failed)
        else { return false }
        var reasonEnd = e
        if reasonEnd > failed + 9, m[reasonEnd - 1] == UInt8(ascii: ".") { reasonEnd -= 1 }
        event.kind = .bindFailed
        event.storedListenerAddress = ByteRange(portEnd + 4, failed)
        event.storedListenerPort = port
        event.storedDetail = ByteRange(failed + 9, reasonEnd)
        return true
    }

    /// `N; terminating.`
    private static func terminating(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        let signalEnd = m.digitsEnd(from: s, end: e)
        guard let signal = m.decimal(from: s, end: signalEnd), e - signalEnd == 14,
            m.matches("; terminating.", at: signalEnd, end: e)
        else { return false }
        event.kind = .terminating
        event.storedCount = signal
        return true
    }

    /// `file PATH` or `directory PATH` (misc.c `safe_path`).
    private static func badModes(
        _ m: UnsafeBufferPointer<UInt8>,
        from s: Int,
        end e: Int,
        into event: inout SSHDLogEventRanges
    ) -> Bool {
        if let rest = m.index(after: "file ", at: s, end: e), rest < e {
            event.kind = .badModesFile
            event.storedPath = ByteRange(rest, e)
            return true
        }
        if let rest = m.index(after: "directory ", at: s, end: e), rest < e {
            event.kind = .badModesDirectory
            event.storedPath = ByteRange(rest, e)
            return true
        }
        return false
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The index just past `literal` when the bytes at `index` start with it.
    @inline(__always)
    fileprivate func index(after literal: StaticString, at index: Int, end: Int) -> Int? {
        self.matches(literal, at: index, end: end) ? index + literal.utf8CodeUnitCount : nil
    }

    /// The start of the run of digits that ends at `end` (equal to `end` when `end - 1` is not a digit).
    @inline(__always)
    fileprivate func digitsStartBackwards(before end: Int, limit: Int) -> Int {
        var index = end
        while index > limit, self[index - 1] &- UInt8(ascii: "0") < 10 { index -= 1 }
        return index
    }
}
