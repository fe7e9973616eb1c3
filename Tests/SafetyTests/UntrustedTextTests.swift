import Safety
import Testing

@Suite("The sanitiser for untrusted text")
struct UntrustedTextTests {
    /// No byte that starts a control sequence or is a control character survives.
    func isInert(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { s in
            let v = s.value
            if v == 0x0A || v == 0x09 { return true }
            return !(v < 0x20 || (0x7F...0x9F).contains(v)) && !UntrustedText.isHiddenFormatting(v)
        }
    }

    @Test(arguments: [
        "\u{1B}]52;c;ZXZpbA==\u{07}", // OSC 52: write the clipboard
        "\u{1B}]0;pwned\u{1B}\\", // OSC 0: retitle the window
        "\u{1B}[2J\u{1B}[H", // CSI: clear the screen
        "\u{1B}P+q544e\u{1B}\\", // DCS
        "\u{9B}2J", // 8-bit CSI
        "\u{9D}52;c;ZXZpbA==\u{9C}", // 8-bit OSC
        "\u{90}payload\u{9C}", // 8-bit DCS
        "\u{1B}[38;5;1m", // SGR
        "\u{1B}7\u{1B}8\u{1B}c", // save, restore, reset
        "\u{1B}]8;;http://evil\u{07}link\u{1B}]8;;\u{07}", // hyperlink
    ])
    func escapeSequencesAreRemovedWhole(_ payload: String) {
        let out = UntrustedText.sanitize("before \(payload) after")
        #expect(isInert(out), "\(out.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(out.hasPrefix("before ") && out.hasSuffix(" after"))
        #expect(!out.contains("ZXZpbA=="))
    }

    @Test func otherControlsAreVisibleButInert() {
        #expect(UntrustedText.sanitize("a\u{07}b\u{00}c\u{7F}d\u{85}e") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e")
    }

    @Test(arguments: [
        ("abc\u{202E}fed", "abc<U+202E>fed"),
        ("pay\u{200B}pal", "pay<U+200B>pal"),
        ("\u{2066}x\u{2069}", "<U+2066>x<U+2069>"),
        ("\u{FEFF}hi", "<U+FEFF>hi"),
        ("tag\u{E0041}", "tag<U+E0041>"),
        ("👨\u{200D}👩\u{200D}👧", "👨\u{200D}👩\u{200D}👧"), // the joiner inside an emoji family stays
    ])
    func bidiAndInvisibleFormattingAreShownNotObeyed(_ text: String, expected: String) {
        #expect(UntrustedText.sanitize(text) == expected)
    }

    @Test func lineBreaksAreNormalised() {
        #expect(UntrustedText.sanitize("a\r\nb\rc\u{2028}d") == "a\nb\nc\nd")
        #expect(UntrustedText.sanitize("a\nb\tc", lineBreaks: .space) == "a b\tc")
        #expect(UntrustedText.sanitize("a\tb") == "a\tb")
    }

    @Test func ordinaryTextIsUntouchedAndSanitisingIsIdempotent() {
        let texts = ["plain ascii", "héllo wörld — ünïcode ✓ 日本語", "\u{1B}[31mred\u{1B}[0m\u{202E}x\u{9B}"]
        #expect(UntrustedText.sanitize(texts[0]) == texts[0])
        #expect(UntrustedText.sanitize(texts[1]) == texts[1])
        for t in texts {
            let once = UntrustedText.sanitize(t)
            #expect(UntrustedText.sanitize(once) == once)
        }
    }

    @Test(arguments: ["x\u{1B}]52;c;ZXZpbA==", "x\u{1B}", "x\u{1B}["])
    func unterminatedSequencesDoNotLeakTheirTail(_ text: String) {
        #expect(UntrustedText.sanitize(text) == "x")
    }
}
