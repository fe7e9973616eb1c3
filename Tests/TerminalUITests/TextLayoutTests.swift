import Testing

@testable import TerminalUI

@Suite struct TextLayoutTests {
    func wrap(_ text: String, _ width: Int) -> [String] {
        TextLayout.wrap(text, width: width).map(\.plainText)
    }

    @Test func wrapsAtSpaces() {
        #expect(wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"])
        #expect(wrap("the quick brown fox", 9) == ["the quick", "brown fox"])
        #expect(wrap("short", 10) == ["short"])
    }

    @Test func spacesAtBreaksAreDropped() {
        #expect(wrap("aaaa    bbbb", 5) == ["aaaa", "bbbb"])
        #expect(wrap("aaaa bbbb", 4) == ["aaaa", "bbbb"])
    }

    @Test func trailingSpacesKeptOnlyWhileTheyFit() {
        #expect(wrap("abc  ", 10) == ["abc  "])
        #expect(wrap("abc      ", 5) == ["abc  "])
        #expect(wrap("abc def   ", 7) == ["abc def"])
    }

    @Test func leadingIndentationKept() {
        #expect(wrap("  indented text", 10) == ["  indented", "text"])
    }

    @Test func longWordsAreHardBroken() {
        #expect(wrap("abcdefghijkl", 5) == ["abcde", "fghij", "kl"])
        #expect(wrap("hi abcdefghijkl xy", 5) == ["hi", "abcde", "fghij", "kl xy"])
        #expect(wrap("https://example.com/a/very/long/path", 12) == ["https://exam", "ple.com/a/ve", "ry/long/path"])
    }

    @Test func explicitNewlinesAndEmptyLines() {
        #expect(wrap("one\ntwo", 10) == ["one", "two"])
        #expect(wrap("one\n\ntwo", 10) == ["one", "", "two"])
        #expect(wrap("", 10) == [""])
        #expect(wrap("\n", 10) == ["", ""])
        #expect(wrap("a\r\nb\rc", 10) == ["a", "b", "c"])
    }

    @Test func cjkBreaksBetweenCharactersAndNeverOverflows() {
        #expect(wrap("日本語のテキスト", 6) == ["日本語", "のテキ", "スト"])
        // Odd width: a wide character that would stick out moves to the next line.
        #expect(wrap("日本語のテキスト", 5) == ["日本", "語の", "テキ", "スト"])
        #expect(wrap("hello世界", 6) == ["hello", "世界"])
        for line in TextLayout.wrap("漢字かな交じり文とEnglish words混在", width: 7) { #expect(line.width <= 7) }
    }

    @Test func emojiAtLineEnds() {
        #expect(wrap("ok 👍🏽👍🏽", 4) == ["ok", "👍🏽👍🏽"])
        #expect(wrap("ab👨‍👩‍👧cd", 3) == ["ab", "👨‍👩‍👧", "cd"])
        #expect(wrap("🇩🇪🇫🇷🇯🇵", 5) == ["🇩🇪🇫🇷", "🇯🇵"])
    }

    @Test func clustersAreNeverSplit() {
        let lines = wrap("e\u{301}e\u{301}e\u{301}e\u{301}", 2)
        #expect(lines == ["e\u{301}e\u{301}", "e\u{301}e\u{301}"])
    }

    @Test func stylesSurviveWrapping() {
        let red = Style(foreground: .red)
        let line = Line([Span("hello ", style: .plain), Span("red world", style: red)])
        let wrapped = TextLayout.wrap(line, width: 9)
        #expect(wrapped == [Line([Span("hello "), Span("red", style: red)]), Line("world", style: red)])
    }

    @Test func tabsAndControlCharacters() {
        #expect(wrap("a\tb", 10) == ["a   b"])
        #expect(wrap("a\u{1B}b", 10) == ["a\u{FFFD}b"])
        #expect(wrap("x", 0) == [])
    }

    @Test func truncationWithEllipsis() {
        #expect(TextLayout.truncate(Line("hello world"), width: 8).plainText == "hello w…")
        #expect(TextLayout.truncate(Line("hello"), width: 5).plainText == "hello")
        #expect(TextLayout.truncate(Line("日本語テキスト"), width: 6).plainText == "日本…")
        #expect(TextLayout.truncate(Line("日本語テキスト"), width: 5).plainText == "日本…")
        #expect(TextLayout.truncate(Line("abc"), width: 1).plainText == "…")
        #expect(TextLayout.truncate(Line("abc"), width: 0).plainText == "")
        #expect(TextLayout.clip(Line("abcdef"), width: 3).plainText == "abc")
        let bold = Style(attributes: [.bold])
        #expect(
            TextLayout.truncate(Line([Span("ab"), Span("cdef", style: bold)]), width: 4)
                == Line([Span("ab"), Span("c…", style: bold)]))
    }
}
