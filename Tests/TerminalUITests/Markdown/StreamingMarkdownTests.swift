import Testing

@testable import TerminalUI

/// Incremental rendering gives exactly the lines of rendering the final text at once, however
/// the text is cut into deltas.
@Suite struct StreamingMarkdownTests {
    /// A reply with every construct, including the ones that run across blank lines.
    static let sample = """
        Setext title
        ============

        Intro with *emphasis*, **strong**, `code`, ~~old~~ and a [link](https://example.com/docs) \
        plus <https://example.com> and a reference [guide][g].

        [g]: https://example.com/guide "Guide"

        ## Steps

        1. First step, with a paragraph
           that wraps onto a second line.

           A second paragraph in the same item.

        2. Second step
           - nested bullet
           - another, with 日本語のテキスト

        3. Third step after a blank line

        - [ ] open task
        - [x] done task

        > A quote that goes on
        > and on.
        >
        > > nested quote

        ```python
        def greet(name):
            \"\"\"Say hello.

            Blank line above is inside the fence.
            \"\"\"

            return f"hello {name}"  # comment
        ```

        ~~~sh
        echo one

        echo two
        ~~~

        | Name  | 名前   | Score |
        |:------|:------:|------:|
        | Alice | 愛子   |    10 |
        | Bob   | ボブ   |   7.5 |

            indented code

            still the same indented block

        <!--
        an html comment

        with a blank line
        -->

        Line with a hard break\\
        and e\u{301}tude.

        ***

        Last paragraph, unfinished
        """

    static let widths = [80, 37]

    /// Streams `deltas` (looking at the lines after each one) and checks the final lines and
    /// code blocks against `expected`.
    func assertSame(
        _ deltas: [String], width: Int, expected: MarkdownRendering, peekWidth: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var stream = StreamingMarkdown(renderer: MD.renderer)
        for delta in deltas {
            stream.append(delta)
            _ = stream.lines(width: peekWidth ?? width)
        }
        let rendering = stream.lines(width: width)
        #expect(rendering.codeBlocks == expected.codeBlocks, sourceLocation: sourceLocation)
        let got = rendering.lines
        let want = expected.lines
        guard got != want else { return }
        // Name the first line that differs, not the whole reply.
        let index = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        let gotLine = index < got.count ? "\"\(got[index])\"" : "missing"
        let wantLine = index < want.count ? "\"\(want[index])\"" : "nothing"
        Issue.record(
            "deltas of \(deltas.map(\.utf8.count)) bytes: line \(index) is \(gotLine), expected \(wantLine)",
            sourceLocation: sourceLocation)
    }

    @Test(arguments: widths) func everySplitIntoTwoDeltas(width: Int) {
        let full = MD.render(Self.sample, width: width)
        let scalars = Array(Self.sample.unicodeScalars)
        for cut in 0...scalars.count {
            let head = String(String.UnicodeScalarView(scalars[..<cut]))
            let tail = String(String.UnicodeScalarView(scalars[cut...]))
            assertSame([head, tail], width: width, expected: full)
        }
    }

    @Test(arguments: widths) func oneCharacterAtATime(width: Int) {
        let full = MD.render(Self.sample, width: width)
        assertSame(Self.sample.unicodeScalars.map { String($0) }, width: width, expected: full)
    }

    @Test func randomSplitsAndWidthChanges() {
        var random = SplitMix64(seed: 7)
        let scalars = Array(Self.sample.unicodeScalars)
        let full = MD.render(Self.sample, width: 60)
        for _ in 0..<60 {
            let pieces = Int(random.next() % 30) + 2
            let cuts = (0..<(pieces - 1)).map { _ in Int(random.next() % UInt64(scalars.count + 1)) }.sorted()
            var deltas: [String] = []
            var start = 0
            for cut in cuts + [scalars.count] {
                deltas.append(String(String.UnicodeScalarView(scalars[start..<cut])))
                start = cut
            }
            // Looking at the lines at another width in between must not change the result.
            assertSame(deltas, width: 60, expected: full, peekWidth: random.next() % 2 == 0 ? 60 : 23)
        }
    }

    @Test func aLongCodeBlockStreamedLineByLineMatchesTheFullRender() {
        // The open code block reuses the rows of unchanged lines between renders; a comment
        // opened late changes the state every later line starts in.
        var code = (0..<60).map { "let value\($0) = \"text \($0)\" + 1 // note \(String(repeating: "x", count: $0))" }
        code.insert("/* opened late", at: 30)
        code.insert("closed */ let after = 2", at: 45)
        let text = "Intro.\n\n```swift\n" + code.joined(separator: "\n") + "\n```\n\nAfter."
        let full = MD.render(text, width: 50)
        let deltas = SampleReply.pieces(of: text, bytes: 7)
        assertSame(deltas, width: 50, expected: full)
        assertSame(deltas, width: 50, expected: full, peekWidth: 31)
    }

    @Test func crlfLineEndingsRenderLikeLF() {
        let lf = "# T\n\n- a\n- b\n\n```\nx\ny\n```\n\np"
        #expect(MD.text(lf.replacing("\n", with: "\r\n")) == MD.text(lf))
    }

    @Test func sampleCompletesChunksWhileStreaming() {
        // The point of streaming: most of the text ends up in completed, cached chunks.
        var stream = StreamingMarkdown(renderer: MD.renderer)
        stream.append(Self.sample)
        let rendering = stream.lines(width: 80)
        #expect(rendering.completed.chunks.count >= 12)
        #expect(rendering.open.lines.map(\.plainText) == ["", "Last paragraph, unfinished"])
    }

    @Test func widthChangeLaysOutAgain() {
        var stream = StreamingMarkdown(renderer: MD.renderer, text: Self.sample)
        #expect(Array(stream.lines(width: 30)) == Array(MD.render(Self.sample, width: 30)))
        #expect(Array(stream.lines(width: 90)) == Array(MD.render(Self.sample, width: 90)))
        #expect(stream.text == Self.sample)
    }

    @Test func orderedListKeepsCountingAcrossChunks() {
        #expect(MD.text("1. a\n\n1. b\n\n1. c") == ["1. a", "", "2. b", "", "3. c"])
        #expect(MD.text("3) a\n\n7) b") == ["3) a", "", "4) b"])
        // A different delimiter starts a new list, as in CommonMark.
        #expect(MD.text("1. a\n\n1) b") == ["1. a", "", "1) b"])
        #expect(MD.text("1. a\n\ntext\n\n1. b") == ["1. a", "", "text", "", "1. b"])
    }

    @Test func referenceDefinitionsApplyToLaterChunks() {
        let lines = MD.text("[x]: https://x.example\n\nsee [x] and [y]\n\n[y]: https://y.example", width: 80)
        #expect(lines == ["see x (https://x.example) and [y]"])
    }

    @Test func blankLinesInsideFencesAndHTMLKeepBlocksWhole() {
        #expect(MD.text("```\na\n\nb\n```", width: 5) == ["a    ", "     ", "b    "])
        #expect(MD.text("<pre>\na\n\nb\n</pre>") == ["<pre>", "a", "", "b", "</pre>"])
    }
}

/// Cutting text into deltas.
enum SampleReply {
    /// The text in pieces of `bytes` UTF-8 bytes or a little more, never inside a character.
    static func pieces(of text: String, bytes: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.utf8.count >= bytes {
                pieces.append(current)
                current = ""
            }
        }
        return current.isEmpty ? pieces : pieces + [current]
    }
}

/// A small deterministic random number generator for reproducible splits.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
