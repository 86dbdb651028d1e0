import SSHDAuditCore
import Testing

@Suite("sshd_config tokenizer")
struct SSHDConfigTokenizerTests {
    private func line(_ text: String) -> SSHDConfigTokenizer.Line? {
        guard case .line(let line) = SSHDConfigTokenizer.tokenize(line: Array(text.utf8)[...], number: 7) else {
            return nil
        }
        return line
    }

    @Test(
        "a keyword ends at a blank or one '=' with blanks around it",
        arguments: ["Port 22", "Port=22", "Port = 22", "Port =22", "Port= 22", "  Port\t22", "Port 22   "]
    )
    func keywordSeparators(text: String) throws {
        let parsed = try #require(self.line(text))
        #expect(parsed.keyword == "Port")
        #expect(parsed.arguments == ["22"])
        #expect(parsed.number == 7)
    }

    @Test("quotes group words, escapes are honoured, '#' at a token start ends the line")
    func quotesAndComments() throws {
        let parsed = try #require(self.line(#"AuthorizedKeysFile ".ssh/my keys" 'b c' d\ e f#g # comment"#))
        #expect(parsed.arguments == [".ssh/my keys", "b c", "d e", "f#g"])
    }

    @Test("an unclosed quote makes the arguments invalid")
    func unclosedQuote() throws {
        let parsed = try #require(self.line(#"Banner "/etc/issue"#))
        #expect(parsed.arguments == nil)
    }

    @Test("blank lines and comments produce nothing; a bare keyword is reported")
    func blankAndBare() {
        let tokens = SSHDConfigTokenizer.tokenize(Array("\n# comment\n   \t\nBanner\nPort 22".utf8))
        #expect(tokens.count == 2)
        #expect(tokens.first == .missingArgument(number: 4, keyword: "Banner"))
        if case .line(let line) = tokens.last {
            #expect(line.number == 5)
        } else {
            Issue.record("expected a line, got \(String(describing: tokens.last))")
        }
    }

    @Test("bytes that are not UTF-8 do not stop tokenizing")
    func invalidUTF8() {
        var bytes = Array("Banner /etc/issue".utf8)
        bytes.append(0xFF)
        bytes += Array("\nPort 22\n".utf8)
        #expect(SSHDConfigTokenizer.tokenize(bytes).count == 2)
    }
}
