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
    static func lineCount(_ bytes: some Collection<UInt8>) -> Int {
        var count = 0
        var last: UInt8?
        for byte in bytes {
            if byte == UInt8(ascii: "\n") { count += 1 }
            last = byte
        }
        if let last, last != UInt8(ascii: "\n") { count += 1 }
        return count
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
