import TerminalUI

/// The Markdown renderer and its streaming chunker: lines fit the width and hold no control
/// character, and text streamed in random pieces renders exactly as the whole text does.
struct MarkdownFuzzTarget: FuzzTarget {
    static let name = "markdown"
    static let summary =
        "Markdown renderer (TerminalUI Markdown, cmark-gfm) + streaming chunker; streamed = whole, no controls, fits width"

    private let renderer = MarkdownRenderer(theme: Theme())

    var seeds: [[UInt8]] {
        [
            "# Title\n\nSome *emphasis*, **strong**, `code`, ~~gone~~ and a [link](http://x.y \"t\").\n\n- a\n- [ ] task\n  1. one\n  2. two\n\n> quote\n> > nested\n",
            "```swift\nlet x = \"\\u{1B}[2J\" // comment\nfunc f() { return 1 }\n```\n\n| a | b |\n|:--|--:|\n| 1 | **2** |\n| x\u{1B}]52;c;QQ==\u{7} | y |\n",
            "Text with\ttabs\r\nand CR\rand \u{202E}bidi\u{202C} and \u{200B}zero width and \u{9B}31m C1\n\n---\n\n<div>html\n</div>\n\n[ref]: http://r\n\nuse [ref]\n",
            "1) a\n2) b\n\n10. ten\n\n* * *\n\n~~~\nunclosed fence\n",
            "- a\n  - b\n    - c\n      - d\n        - e\n\n![img](x.png) <span>inline</span> https://auto.link\n\n    indented code\n",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "#", "*", "**", "_", "`", "```", "~~~", "~~", "[", "](", ")", ">", "- ", "1. ", "| ", "|", "---", ":--",
            "\n", "\n\n", "    ",
            "\t", "<", "</", "!", "[ ]", "[x]", "\\", "&amp;", "&#27;", "http://", "[r]: ", "  \n", "😀", "中文",
            "\u{301}",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { [">", "> ", "- ", "* ", "1. ", "*", "[", "`", "<"].map(utf8) }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        let width = 1 + random.below(100)
        let whole = renderer.render(text, width: width)
        let lines = whole.lines
        for (index, line) in lines.enumerated() {
            try require(line.width <= width, "line \(index) is \(line.width) columns wide, more than \(width)")
            for span in line.spans {
                if let bad = span.text.unicodeScalars.first(where: {
                    $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
                }) {
                    throw FuzzFailure("line \(index) holds control U+\(String(bad.value, radix: 16))")
                }
            }
            _ = whole.codeBlockIndex(atLine: index)
        }

        var stream = StreamingMarkdown(renderer: renderer)
        let scalars = Array(text.unicodeScalars)
        for range in FuzzSplits.ranges(count: scalars.count, limit: 48, random: &random) {
            stream.append(String(String.UnicodeScalarView(scalars[range])))
            if random.oneIn(2) { _ = stream.lines(width: random.oneIn(4) ? 1 + random.below(100) : width) }
        }
        let streamed = stream.lines(width: width)
        try require(
            streamed.lines == lines,
            "streamed text renders \(streamed.count) lines, the whole text \(lines.count) (or different lines)")
        try require(streamed.codeBlocks == whole.codeBlocks, "streamed code blocks differ from the whole text's")
    }
}
