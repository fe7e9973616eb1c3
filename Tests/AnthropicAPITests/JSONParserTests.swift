import Testing

@testable import AnthropicAPI

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(
            #" {"a": [1, -2, 3.5, 1e3, true, false, null, "x"], "b": {"c": {}} , "d": []} "#)
        #expect(
            value
                == .object([
                    "a": .array([
                        .int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null, .string("x"),
                    ]),
                    "b": .object(["c": .object([:])]),
                    "d": .array([]),
                ]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(
            try JSONValue.parse(#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude42""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\té🙂"))
        // A lone surrogate becomes U+FFFD instead of failing the whole event.
        #expect(try JSONValue.parse(#""x\ud83dy""#) == .string("x\u{FFFD}y"))
        #expect(try JSONValue.parse(#""\ude42""#) == .string("\u{FFFD}"))
    }

    @Test func rejectsInvalidDocumentsWithAPosition() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":1,}", "-", "\"\\x\""] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONValue.parse(text) }
        }
    }

    @Test func refusesNestingBeyondTheLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func serialisationRoundTrips() throws {
        let value = JSONValue.object([
            "k": .string("line\nquote\" \u{1} é 🙂 \u{2028}\u{7F}\\ tab\t"), "n": .int(-5), "d": .double(0.25),
            "z": .null,
        ])
        #expect(JSONValue.string("a\u{2028}b\u{7F}").serialized() == #""a\u2028b\u007f""#)
        #expect(try JSONValue.parse(value.serialized()) == value)
    }
}
