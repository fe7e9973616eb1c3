import Testing

@testable import TerminalUI

/// The table-driven highlighter: per language, a keyword, a string, a comment and a number;
/// state carried across lines; aliases.
@Suite struct MarkdownSyntaxHighlighterTests {
    /// The kinds given to each token text of `code`, line by line.
    func kinds(_ code: String, _ language: String) -> [[SyntaxToken]] {
        guard let language = SyntaxLanguage.named(language) else {
            Issue.record("unknown language \(language)")
            return []
        }
        return SyntaxHighlighter.highlight(code, language: language)
    }

    func tokens(_ code: String, _ language: String) -> Set<SyntaxToken> {
        Set(kinds(code, language).flatMap { $0 })
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var language: String
        var code: String
        var expected: [SyntaxToken]
        var testDescription: String { language }
    }

    static let cases: [Case] = [
        Case(
            language: "swift", code: #"let n = 42 // note"# + "\n" + #"func f() -> String { "a\"b" }"#,
            expected: [
                SyntaxToken("let", .keyword), SyntaxToken("42", .number), SyntaxToken("// note", .comment),
                SyntaxToken(#""a\"b""#, .string), SyntaxToken("String", .type), SyntaxToken("f", .function),
            ]),
        Case(
            language: "python", code: "def f(x):  # note\n    return x + 0x1F, r'raw', None",
            expected: [
                SyntaxToken("def", .keyword), SyntaxToken("# note", .comment), SyntaxToken("0x1F", .number),
                SyntaxToken("r'raw'", .string), SyntaxToken("None", .keyword), SyntaxToken("f", .function),
            ]),
        Case(
            language: "js", code: "const s = `t${x}`; /* c */ let n = 1.5e3;",
            expected: [
                SyntaxToken("const", .keyword), SyntaxToken("`t${x}`", .string), SyntaxToken("/* c */", .comment),
                SyntaxToken("1.5e3", .number),
            ]),
        Case(
            language: "ts", code: "interface A { n: number } // c\nconst x: A = { n: 2 } as A; 'q'",
            expected: [
                SyntaxToken("interface", .keyword), SyntaxToken("number", .type), SyntaxToken("// c", .comment),
                SyntaxToken("2", .number), SyntaxToken("'q'", .string),
            ]),
        Case(
            language: "rs",
            code: "fn main() { let s: &'static str = \"hi\"; println!(\"{}\", 1_000u32); } // c\nlet c = 'x';",
            expected: [
                SyntaxToken("fn", .keyword), SyntaxToken("'static", .type), SyntaxToken("\"hi\"", .string),
                SyntaxToken("println", .function), SyntaxToken("1_000u32", .number), SyntaxToken("// c", .comment),
                SyntaxToken("'x'", .string), SyntaxToken("str", .type),
            ]),
        Case(
            language: "golang", code: "func main() { var s string = \"x\" // c\n\tn := 0o17 }",
            expected: [
                SyntaxToken("func", .keyword), SyntaxToken("string", .type), SyntaxToken("\"x\"", .string),
                SyntaxToken("// c", .comment), SyntaxToken("0o17", .number), SyntaxToken("main", .function),
            ]),
        Case(
            language: "c", code: "#include <stdio.h>\nint main(void) { return printf(\"%d\\n\", 7); } /* c */",
            expected: [
                SyntaxToken("#include", .keyword), SyntaxToken("int", .type), SyntaxToken("return", .keyword),
                SyntaxToken("\"%d\\n\"", .string), SyntaxToken("7", .number), SyntaxToken("/* c */", .comment),
            ]),
        Case(
            language: "c++", code: "template <typename T> class V { std::string s = \"x\"; }; // 3",
            expected: [
                SyntaxToken("template", .keyword), SyntaxToken("class", .keyword), SyntaxToken("\"x\"", .string),
                SyntaxToken("// 3", .comment),
            ]),
        Case(
            language: "bash", code: "if [ -f \"$HOME/x\" ]; then echo 'hi' 2; fi # done",
            expected: [
                SyntaxToken("if", .keyword), SyntaxToken("\"$HOME/x\"", .string), SyntaxToken("'hi'", .string),
                SyntaxToken("2", .number), SyntaxToken("fi", .keyword), SyntaxToken("# done", .comment),
            ]),
        Case(
            language: "jsonc", code: "{\"a\": [1, -2.5e3, true, null], // c\n \"b\": \"x\\\"y\"}",
            expected: [
                SyntaxToken("\"a\"", .string), SyntaxToken("1", .number), SyntaxToken("2.5e3", .number),
                SyntaxToken("true", .keyword), SyntaxToken("null", .keyword), SyntaxToken("// c", .comment),
                SyntaxToken("\"x\\\"y\"", .string),
            ]),
    ]

    @Test(arguments: cases) func keywordsStringsCommentsNumbers(_ example: Case) {
        let found = tokens(example.code, example.language)
        for token in example.expected {
            #expect(found.contains(token), "\(token) not in \(found.sorted { $0.text < $1.text })")
        }
    }

    @Test func tokensSpellTheLine() {
        for example in Self.cases {
            let lines = kinds(example.code, example.language)
            #expect(
                lines.map { $0.map(\.text).joined() }
                    == example.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
    }

    @Test func diffLines() {
        let lines = kinds("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n context\n-old\n+new", "patch")
        #expect(
            lines == [
                [SyntaxToken("diff --git a/x b/x", .diffHeader)],
                [SyntaxToken("--- a/x", .diffHeader)],
                [SyntaxToken("+++ b/x", .diffHeader)],
                [SyntaxToken("@@ -1,2 +1,2 @@", .diffHunk)],
                [SyntaxToken(" context")],
                [SyntaxToken("-old", .diffRemoved)],
                [SyntaxToken("+new", .diffAdded)],
            ])
    }

    @Test func blockCommentsAndMultilineStringsCarryAcrossLines() {
        #expect(
            kinds("a /* one\ntwo */ b", "c") == [
                [SyntaxToken("a "), SyntaxToken("/* one", .comment)],
                [SyntaxToken("two */", .comment), SyntaxToken(" b")],
            ])
        // Swift and Rust comments nest.
        #expect(kinds("/* a /* b */ c\nd */ e", "swift").last == [SyntaxToken("d */", .comment), SyntaxToken(" e")])
        #expect(
            kinds("s = \"\"\"\nbody \"quoted\"\n\"\"\" + 1", "python") == [
                [SyntaxToken("s "), SyntaxToken("=", .operator), SyntaxToken(" "), SyntaxToken("\"\"\"", .string)],
                [SyntaxToken("body \"quoted\"", .string)],
                [
                    SyntaxToken("\"\"\"", .string), SyntaxToken(" "), SyntaxToken("+", .operator), SyntaxToken(" "),
                    SyntaxToken("1", .number),
                ],
            ])
        #expect(kinds("x = `a\nb` + 1", "js")[1].first == SyntaxToken("b`", .string))
        // An unterminated ordinary string ends with its line.
        #expect(kinds("\"open\nlet", "swift")[1] == [SyntaxToken("let", .keyword)])
    }

    @Test func wordsInsideOtherWordsAreNotKeywords() {
        #expect(tokens("letter format", "swift") == [SyntaxToken("letter format")])
        #expect(kinds("a#b # c", "sh") == [[SyntaxToken("a#b "), SyntaxToken("# c", .comment)]])
        #expect(
            kinds("x1 = 2", "py") == [
                [SyntaxToken("x1 "), SyntaxToken("=", .operator), SyntaxToken(" "), SyntaxToken("2", .number)]
            ])
    }

    @Test func languageNamesAndAliases() {
        let expected: [String: String] = [
            "swift": "swift", "py": "python", "Python3": "python", "js": "javascript", "jsx": "javascript",
            "ts": "typescript", "tsx": "typescript", "rs": "rust", "golang": "go", "h": "c", "cpp": "cpp",
            "c++": "cpp", "sh": "shell", "bash": "shell", "zsh": "shell", "console": "shell", "json": "json",
            "jsonc": "json", "patch": "diff", "diff": "diff", "language-rust": "rust",
        ]
        for (alias, name) in expected { #expect(SyntaxLanguage.named(alias)?.name == name, "\(alias)") }
        #expect(SyntaxLanguage.named("cobol") == nil)
        #expect(SyntaxHighlighter(languageNamed: "cobol") == nil)
    }

    @Test func nonASCIITextStaysWhole() {
        let lines = kinds("let 名前 = \"日本\" // コメント", "swift")
        #expect(
            lines == [
                [
                    SyntaxToken("let", .keyword), SyntaxToken(" 名前 "), SyntaxToken("=", .operator), SyntaxToken(" "),
                    SyntaxToken("\"日本\"", .string), SyntaxToken(" "), SyntaxToken("// コメント", .comment),
                ]
            ])
    }
}
