import Testing

@testable import TerminalUI

@Suite struct DisplayWidthTests {
    @Test(
        arguments: [
            ("a", 1), ("Z", 1), (" ", 1), ("~", 1),
            ("é", 1), ("e\u{301}", 1), ("a\u{300}\u{316}", 1), ("ñ", 1),
            ("中", 2), ("語", 2), ("あ", 2), ("カ", 2), ("한", 2), ("\u{1100}\u{1161}\u{11A8}", 2),
            // Fullwidth A, fullwidth !, ideographic space, halfwidth katakana.
            ("Ａ", 2), ("！", 2), ("\u{3000}", 2), ("ｶ", 1),
            ("😀", 2), ("🚀", 2), ("🫨", 2), // emoji presentation, including a recent one (Unicode 15)
            ("👍🏽", 2), ("👨\u{200D}👩\u{200D}👧\u{200D}👦", 2), ("🏳️\u{200D}🌈", 2), ("🧑🏾\u{200D}💻", 2),
            ("🇩🇪", 2), ("🇯🇵", 2), ("🇺", 2),
            ("❤", 1), ("❤️", 2), ("☺", 1), ("☺️", 2), ("1️⃣", 2), ("#️⃣", 2), ("©", 1), ("©️", 2),
            ("\u{301}", 0), ("\u{200D}", 0), ("\u{200B}", 0), ("\u{FE0F}", 0), ("\u{2060}", 0), ("\u{202E}", 0),
            ("\u{AD}", 1), ("α", 1), ("ж", 1), ("→", 1), ("…", 1), ("\u{FFFD}", 1),
            ("\u{0}", 0), ("\u{7}", 0), ("\u{1B}", 0), ("\n", 0), ("\r\n", 0), ("\t", 0), ("\u{7F}", 0), ("\u{85}", 0),
            ("\u{9B}", 0),
        ] as [(String, Int)])
    func clusterWidth(_ text: String, _ expected: Int) {
        #expect(
            text.count == 1,
            "test data must be one grapheme cluster: \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(
            DisplayWidth.of(Character(text)) == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func stringWidthSumsClusters() {
        #expect("hello".displayWidth == 5)
        #expect("日本語".displayWidth == 6)
        #expect("a中b".displayWidth == 4)
        #expect("👨‍👩‍👧 family".displayWidth == 9)
        #expect("cafe\u{301}".displayWidth == 4)
        #expect("".displayWidth == 0)
        #expect("a\u{1B}b".displayWidth == 2)
    }

    @Test func controlDetection() {
        #expect(DisplayWidth.isControl("\u{1B}"))
        #expect(DisplayWidth.isControl("\r\n"))
        #expect(DisplayWidth.isControl("\u{9B}"))
        #expect(DisplayWidth.isControl("\u{2028}"))
        #expect(!DisplayWidth.isControl("a"))
        #expect(!DisplayWidth.isControl("中"))
        #expect(!DisplayWidth.isControl("\u{200D}"))
    }

    @Test func scalarTableEdges() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x10FF)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x1100)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x115F)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x1160)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0xAC00)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xD7A3)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xD7A4)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0x20000)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x3FFFD)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0xFF61)!) == 1)
        #expect(DisplayWidth.of(Unicode.Scalar(0xE0100)!) == 0) // variation selector supplement
    }

    @Test func sanitizerRemovesEscapeSequencesAndControls() {
        #expect(TextSanitizer.sanitize("plain") == "plain")
        #expect(TextSanitizer.sanitize("\u{1B}[31mred\u{1B}[0m") == "red")
        #expect(TextSanitizer.sanitize("a\u{1B}]0;title\u{7}b") == "ab")
        #expect(TextSanitizer.sanitize("a\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\b") == "alinkb")
        #expect(TextSanitizer.sanitize("a\u{1B}(Bb") == "ab")
        #expect(TextSanitizer.sanitize("bell\u{7}!") == "bell\u{FFFD}!")
        #expect(TextSanitizer.sanitize("x\u{9B}2Jy") == "xy")
        #expect(TextSanitizer.sanitize("one\r\ntwo\rthree") == "one\ntwo\nthree")
        #expect(TextSanitizer.sanitize("a\tb") == "a   b")
        #expect(TextSanitizer.sanitize("中\tb") == "中  b")
        #expect(TextSanitizer.sanitize("\tx\n\ty") == "    x\n    y")
        #expect(TextSanitizer.sanitize("a\nb", keepNewlines: false) == "a b")
    }
}
