import Glibc
import SSHDAuditCore

/// Invariant checks shared by the fuzz targets.
///
/// A broken invariant aborts the process: libFuzzer reports the abort as a crash and writes the input that
/// caused it, which is what a fuzz target is for. The message goes to stderr first so the report says which
/// invariant broke, not only where.
enum FuzzCheck {
    /// Aborts with `message` unless `condition` holds.
    static func require(
        _ condition: @autoclosure () -> Bool,
        _ message: @autoclosure () -> String,
        file: StaticString = #fileID,
        line: UInt = #line
    ) {
        if condition() { return }
        var report = "fuzz invariant broken at \(file):\(line): \(message())\n"
        report.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        abort()
    }

    /// The number of lines a line-oriented parser sees in `bytes`: one per newline, plus the unterminated
    /// last line if there is one.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { Self.lineCount($0) }
    }

    /// ``lineCount(_:)-([UInt8])`` over a buffer. `memchr` finds the newlines: a Swift loop here is
    /// instrumented with a coverage callback per byte, which made counting lines a twentieth of the
    /// proc-net-tcp target's time.
    static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        var count = 0
        var offset = 0
        while offset < bytes.count, let found = memchr(base + offset, CInt(UInt8(ascii: "\n")), bytes.count - offset) {
            count += 1
            offset = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found)) + 1
        }
        if bytes[bytes.count - 1] != UInt8(ascii: "\n") { count += 1 }
        return count
    }

    /// The number of pieces `text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)` has
    /// (0 for empty text), without building them. A `Character` is a newline when its first scalar is one of
    /// U+000A...U+000D, U+0085, U+2028, U+2029; grapheme breaking keeps each of those scalars alone in its
    /// `Character`, except CR LF, which is one. So the separators are those scalars, a CR LF counted once.
    static func newlineSeparatedCount(_ text: String) -> Int {
        if text.isEmpty { return 0 }
        var separators = 0
        var afterCR = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: if !afterCR { separators += 1 }
            case 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: separators += 1
            default: break
            }
            afterCR = scalar.value == 0x0D
        }
        return separators + 1
    }

    /// Checks that every diagnostic names a line that exists (1 ... `lineCount`) and, when `file` is given,
    /// that it names that file.
    static func requireLines(
        of diagnostics: [ParseDiagnostic],
        within lineCount: Int,
        file: String?,
        _ what: String
    ) {
        for diagnostic in diagnostics {
            Self.require(
                diagnostic.line >= 1 && diagnostic.line <= max(lineCount, 1),
                "\(what): diagnostic outside the input's \(lineCount) lines: \(diagnostic)"
            )
            Self.require(diagnostic.file == file, "\(what): diagnostic names another file: \(diagnostic)")
        }
    }

    /// Checks that diagnostics come in input order, as `Parsed` documents.
    static func requireOrdered(_ diagnostics: [ParseDiagnostic], _ what: String) {
        for (previous, next) in zip(diagnostics, diagnostics.dropFirst()) {
            Self.require(previous.line <= next.line, "\(what): diagnostics out of order: \(previous) then \(next)")
        }
    }
}
