import Testing

@testable import TerminalUI

/// One snapshot per construct: the rendered plain text, and the styles where they matter.
@Suite struct MarkdownRendererTests {
    // MARK: Headings and inline styles

    @Test func headingsTakeTheirLevelStyleOverTheBase() {
        let lines = MD.render("# Top\n\n### Third\n\nSetext\n------", width: 20)
        #expect(lines.map(\.plainText) == ["Top", "", "Third", "", "Setext"])
        let top = lines[0].spans[0].style
        #expect(top == Style(foreground: .magenta, attributes: [.bold, .underline]))
        #expect(lines[2].spans[0].style == Style(foreground: .white, attributes: .bold))
        #expect(lines[4].spans[0].style.attributes.contains(.bold))
    }

    @Test func emphasisStrongStrikethroughAndCode() {
        let lines = MD.render("a *em* **st** ~~del~~ `x = 1` ***both***", width: 60)
        #expect(lines.map(\.plainText) == ["a em st del x = 1 both"])
        #expect(MD.style(of: "a ", in: lines) == MD.base)
        #expect(MD.style(of: "em", in: lines) == MD.base.italic)
        #expect(MD.style(of: "st", in: lines) == MD.base.bold)
        #expect(MD.style(of: "del", in: lines) == MD.base.adding(.strikethrough))
        #expect(MD.style(of: "x = 1", in: lines) == Style(foreground: .yellow))
        #expect(MD.style(of: "both", in: lines) == MD.base.adding([.bold, .italic]))
        // One tilde is "about", not strikethrough.
        #expect(MD.render("~5 s or ~10 s", width: 20)[0].spans == [Span("~5 s or ~10 s", style: MD.base)])
    }

    @Test func aThemeWithoutMarkdownKeysStillMarksEmphasis() {
        let lines = MarkdownRenderer(theme: Theme()).render("# H\n\n*e* **s**", width: 20)
        #expect(lines[0].spans[0].style.attributes == .bold)
        #expect(MD.style(of: "e", in: lines)?.attributes == .italic)
        #expect(MD.style(of: "s", in: lines)?.attributes == .bold)
    }

    @Test func theThemeDefaultDoesNotOverrideTheBase() {
        let theme = Theme(styles: ["default": Style(foreground: .red), "markdown.strong": Style(attributes: .bold)])
        let lines = MarkdownRenderer(theme: theme, baseStyle: Style(foreground: .green)).render("**s**", width: 10)
        #expect(lines[0].spans[0].style == Style(foreground: .green, attributes: .bold))
    }

    @Test func paragraphsWrapByDisplayWidthWithSoftAndHardBreaks() {
        // A single line break in a reply is kept (a soft break shown as a break), then each line wraps.
        #expect(
            MD.text("one two three\nfour five six seven", width: 10) == ["one two", "three", "four five", "six seven"])
        #expect(MD.text("hard  \nbreak\\\nagain", width: 20) == ["hard", "break", "again"])
        #expect(MD.text("日本語のテキストを折り返す", width: 8) == ["日本語の", "テキスト", "を折り返", "す"])
        #expect(MD.text("first\n\nsecond") == ["first", "", "second"])
    }

    // MARK: Links

    @Test func linksShowTheirURLUnlessTheTextIsTheURL() {
        let lines = MD.render("see [docs](https://d.example/x) and <https://a.example> and www.w.example", width: 80)
        #expect(lines.map(\.plainText) == ["see docs (https://d.example/x) and https://a.example and www.w.example"])
        #expect(MD.style(of: "docs", in: lines) == Style(foreground: .blue, attributes: .underline))
        // Dotted keys layer their parents: the URL is underlined like the link, in its own colour.
        #expect(MD.style(of: "(https://d.example/x)", in: lines) == Style(foreground: .gray, attributes: .underline))
        #expect(
            MD.text("![a cat](cat.png) and mail <me@x.example>", width: 80) == ["a cat (cat.png) and mail me@x.example"]
        )
    }

    // MARK: Lists

    @Test func bulletListsNestWithHangingIndents() {
        let text = MD.text(
            """
            - first item that is long enough to wrap
            - second
              - nested item also long enough
                - third level
            """, width: 24)
        #expect(
            text == [
                "• first item that is",
                "  long enough to wrap",
                "• second",
                "  ◦ nested item also",
                "    long enough",
                "    ▪ third level",
            ])
        let lines = MD.render("- x")
        #expect(lines[0].spans[0] == Span("•", style: Style(foreground: .cyan)))
    }

    @Test func orderedListsAlignTheirNumbers() {
        let source = (8...11).map { "\($0). item \($0)" }.joined(separator: "\n")
        #expect(MD.text(source) == [" 8. item 8", " 9. item 9", "10. item 10", "11. item 11"])
        #expect(MD.text("1) wraps onto the next line", width: 14) == ["1) wraps onto", "   the next", "   line"])
    }

    @Test func looseListsKeepBlankLinesBetweenItems() {
        #expect(MD.text("- a\n\n  more a\n- b") == ["• a", "", "  more a", "", "• b"])
    }

    @Test func taskListItems() {
        #expect(MD.text("- [ ] todo\n- [x] done\n\n1. [x] numbered") == ["☐ todo", "☑ done", "", "1. ☑ numbered"])
    }

    @Test func cjkInsideListsWrapsWithTheHangingIndent() {
        #expect(
            MD.text("- 日本語のテキストを折り返す\n  - 中文文本", width: 10) == [
                "• 日本語の",
                "  テキスト",
                "  を折り返",
                "  す",
                "  ◦ 中文文",
                "    本",
            ])
    }

    // MARK: Quotes and rules

    @Test func blockQuotesNestWithABar() {
        let lines = MD.render("> quoted text here\n>\n> > inner\n\nafter", width: 12)
        #expect(lines.map(\.plainText) == ["│ quoted", "│ text here", "│", "│ │ inner", "", "after"])
        #expect(lines[0].spans[0] == Span("│ ", style: Style(foreground: .gray)))
        #expect(MD.style(of: "quoted", in: lines) == Style(foreground: .green))
        #expect(MD.style(of: "after", in: lines) == MD.base)
    }

    @Test func horizontalRuleSpansTheWidth() {
        let lines = MD.render("a\n\n---\n\nb", width: 7)
        #expect(lines.map(\.plainText) == ["a", "", "───────", "", "b"])
        #expect(lines[2].spans[0].style == Style(foreground: .gray))
    }

    // MARK: Code blocks

    @Test func fencedCodeBlockHasALabelABackgroundAndHighlighting() {
        let lines = MD.render("```swift\nlet x = 1 // one\n```", width: 20)
        #expect(lines.map(\.plainText) == ["swift               ", "let x = 1 // one    "])
        let background = Color.indexed(236)
        for line in lines {
            #expect(line.width == 20)
            for span in line.spans { #expect(span.style.background == background) }
        }
        #expect(
            MD.style(of: "swift", in: lines) == Style(foreground: .gray, background: background, attributes: .italic))
        #expect(MD.style(of: "let", in: lines)?.foreground == .magenta)
        #expect(MD.style(of: "1", in: lines)?.foreground == .yellow)
        #expect(MD.style(of: "// one", in: lines)?.foreground == .gray)
    }

    @Test func codeIsNeverWrappedAsProseAndKeepsItsIndentation() {
        let lines = MD.text("```\n  a  b\n\n    c\n```", width: 8)
        #expect(lines == ["  a  b  ", "        ", "    c   "])
        #expect(MD.text("    indented code\n    block", width: 20) == ["indented code       ", "block               "])
    }

    @Test func tabsExpandAndLongLinesWrapWithAMarkerLosingNothing() {
        let long = (0..<300).map { String(UnicodeScalar(UInt8(0x21 + $0 % 90))) }.joined()
        let code = "\tfunc f() {}\n" + long
        let rendering = MD.render("```\n" + code + "\n```", width: 80)
        let lines = rendering.map(\.plainText)
        #expect(lines[0] == "    func f() {}" + String(repeating: " ", count: 65))
        let rows = Array(lines.dropFirst())
        #expect(rows.count == 4)
        for (index, row) in rows.enumerated() {
            #expect(row.displayWidth == 80)
            #expect(row.hasPrefix("↪") == (index > 0))
        }
        let joined = rows.enumerated().map { $0 == 0 ? $1 : String($1.dropFirst()) }.joined()
        #expect(joined.hasPrefix(long))
        #expect(joined.dropFirst(long.count).allSatisfy { $0 == " " })
        #expect(MD.style(of: "↪", in: rendering) == Style(foreground: .gray, background: .indexed(236)))
        #expect(rendering.codeBlocks.first?.code == code)
    }

    @Test func wideCharactersMoveToTheNextCodeRowWhole() {
        #expect(MD.text("```\nab漢字\n```", width: 5) == ["ab漢 ", "↪字  "])
    }

    @Test func unknownLanguagesRenderPlainInTheCodeBlockStyle() {
        let lines = MD.render("```brainfuck\nlet 1 \"s\"\n```", width: 12)
        #expect(lines.map(\.plainText) == ["brainfuck   ", "let 1 \"s\"   "])
        #expect(lines[1].spans.count == 1)
        #expect(lines[1].spans[0].style == Style(foreground: .white, background: .indexed(236)))
    }

    @Test func codeBlocksAreExposedWithTheirLines() {
        let rendering = MD.render("intro\n\n```py\nprint(1)\n```\n\ntext\n\n```\nplain\n```", width: 12)
        #expect(rendering.lines == Array(rendering))
        #expect(
            rendering.codeBlocks == [
                MarkdownCodeBlock(language: "py", code: "print(1)", lines: 2..<4),
                MarkdownCodeBlock(language: nil, code: "plain", lines: 7..<8),
            ])
        #expect(
            (0..<rendering.count).map { rendering.codeBlockIndex(atLine: $0) } == [nil, nil, 0, 0, nil, nil, nil, 1])
        #expect(rendering.codeBlockIndex(atLine: 99) == nil)
    }

    @Test func codeBlocksInsideContainersKeepTheirPrefix() {
        #expect(MD.text("> ```\n> x\n> ```\n\n- ```\n  y\n  ```", width: 6) == ["│ x   ", "", "• y   "])
    }

    // MARK: Tables

    @Test func tablesAlignColumnsByDisplayWidth() {
        let lines = MD.render(
            """
            | Name | 名前 | n |
            |:-----|:----:|--:|
            | Alice | 愛子 | 10 |
            | Bob | ボブさん | 7 |
            """, width: 40)
        #expect(
            lines.map(\.plainText) == [
                "Name  │   名前   │  n",
                "──────┼──────────┼───",
                "Alice │   愛子   │ 10",
                "Bob   │ ボブさん │  7",
            ])
        #expect(MD.style(of: "Name", in: lines) == MD.base.bold)
        #expect(MD.style(of: "│", in: lines) == Style(foreground: .gray))
        for line in lines { #expect(line.width == 21) }
    }

    @Test func tooWideTablesDegradeToOneBlockPerRow() {
        let lines = MD.render(
            """
            | Column | Description |
            |---|---|
            | alpha | the first letter of the Greek alphabet |
            | 中文 | 汉字 |
            """, width: 24)
        #expect(
            lines.map(\.plainText) == [
                "Column: alpha",
                "Description: the first",
                "letter of the Greek",
                "alphabet",
                "",
                "Column: 中文",
                "Description: 汉字",
            ])
        #expect(MD.style(of: "Description:", in: lines) == MD.base.bold)
        #expect(MD.style(of: "alpha", in: lines) == MD.base)
    }

    @Test func rowsWithMissingCellsAndEmptyCells() {
        #expect(
            MD.text("| a | b | c |\n|---|---|---|\n| 1 |\n| | 2 | |") == [
                "a │ b │ c",
                "──┼───┼──",
                "1 │   │",
                "  │ 2 │",
            ])
    }

    // MARK: HTML and untrusted text

    @Test func htmlIsShownAsLiteralText() {
        #expect(
            MD.text("<div class=\"x\">\n<b>hi</b>\n</div>\n\ntext <span>inline</span>") == [
                "<div class=\"x\">", "<b>hi</b>", "</div>", "", "text <span>inline</span>",
            ])
        #expect(MD.text("<script>alert(1)</script>") == ["<script>alert(1)</script>"])
    }

    @Test func controlAndEscapeCharactersNeverReachTheTerminal() {
        let esc = "\u{1B}"
        let source = """
            # Title \(esc)[2J
            red \(esc)[31mtext\(esc)[0m, bell \u{07}, osc \(esc)]52;c;aGk=\u{07}done, c1 \u{9B}31m, del \u{7F}
            [link \(esc)[5m](https://x.example/\(esc)[31m)

            ```sh\(esc)[31m
            echo \(esc)]0;title\u{07}hi\u{08}
            ```

            | a\(esc)[1m | b |
            |---|---|
            | \u{07}c | d |
            """
        let rendering = MD.render(source, width: 60)
        for line in rendering {
            for scalar in line.plainText.unicodeScalars {
                #expect(
                    !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)),
                    "control U+\(String(scalar.value, radix: 16)) in \(line.plainText)")
            }
        }
        let text = rendering.map(\.plainText)
        #expect(text[0] == "Title ")
        #expect(text[2].hasPrefix("red text, bell \u{FFFD}, osc done, c1 , del \u{FFFD}"))
        #expect(text.contains { $0.hasPrefix("echo hi\u{FFFD}") })
    }

    @Test func anyWidthAndHostileNestingAreHandled() {
        let nested = String(repeating: ">", count: 5_000) + " deep"
        let lines = MD.render(nested + "\n\n" + String(repeating: "*", count: 3_000) + "x", width: 80)
        #expect(lines.contains { $0.plainText.hasSuffix("│ deep") })
        for line in lines { #expect(line.width <= 80) }
        for width in 1...6 {
            for line in MD.render(StreamingMarkdownTests.sample, width: width) { #expect(line.width <= width) }
        }
        #expect(MD.text("", width: 10) == [])
        #expect(MarkdownRendering().isEmpty)
        #expect(MD.text("\n\n  \n", width: 10) == [])
    }
}
