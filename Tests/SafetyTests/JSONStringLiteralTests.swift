import Foundation
import Safety
import Testing

@Suite struct JSONStringLiteralTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("line\nfeed\r\ttab", #""line\nfeed\r\ttab""#),
        ("\u{0}\u{1B}\u{7F}", #""\u0000\u001b\u007f""#),
        ("js\u{2028}\u{2029}end", #""js\u2028\u2029end""#),
        ("€ \u{2030} 中 😀", "\"€ \u{2030} 中 😀\""), // E2 80 B0 (‰) and other UTF-8 kept as they are
        ("", #""""#),
    ])
    func escapesWhatCouldBreakOut(_ text: String, _ literal: String) {
        #expect(JSONStringLiteral.quoted(text) == literal)
    }

    @Test(arguments: [
        "\u{0}", "\"}]", "\\", "a\u{2028}b\u{E2}", String(repeating: "\u{1}x\u{2029}", count: 50), "🏳️‍🌈\r\n",
    ])
    func foundationReadsBackTheSameText(_ text: String) throws {
        let data = Data(("[" + JSONStringLiteral.quoted(text) + "]").utf8)
        let decoded = try #require(try JSONSerialization.jsonObject(with: data) as? [String])
        #expect(decoded == [text])
    }
}
