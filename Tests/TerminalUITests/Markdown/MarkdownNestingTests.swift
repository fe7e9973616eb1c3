import Testing

@testable import TerminalUI

/// One line opening thousands of containers: cmark-gfm's cost grows with the depth of every
/// inline node, so a 180 KB reply of `* * * … text * * *` took 27 s per parse (found by the
/// markdown fuzz target). Markers past ``CMarkParser/maxMarkersPerLine`` are dropped first.
@Suite struct MarkdownNestingTests {
    /// The deepest chain of containers in the blocks.
    private func depth(_ blocks: [MarkdownBlock]) -> Int {
        blocks.map { block in
            switch block {
            case .blockQuote(let inner): 1 + depth(inner)
            case .list(let list): 1 + (list.items.map { depth($0.blocks) }.max() ?? 0)
            default: 0
            }
        }.max() ?? 0
    }

    @Test(arguments: ["* ", "> ", "- ", "1. ", "+ ", "> - "])
    func aLineOfThousandsOfMarkersOpensAtMostTheLimit(_ marker: String) {
        let line = String(repeating: marker, count: 15_000) + "text * * * end\n"
        let escaped = CMarkParser.limitingNesting(ContiguousArray(line.utf8))
        #expect(escaped != nil)
        #expect(depth(CMarkParser.parse(Array(line.utf8))) <= CMarkParser.maxMarkersPerLine)
    }

    @Test func ordinaryNestingIsLeftAlone() {
        let text = "> - a\n>   - b\n>     1. c\n\n* * *\n\n- [ ] task\n10) ten\n"
        #expect(CMarkParser.limitingNesting(ContiguousArray(text.utf8)) == nil)
    }

    @Test func theTextPastTheLimitIsStillShown() {
        let line = String(repeating: "* ", count: 15_000) + "deep * * * text"
        let text = MD.text(line, width: 200).joined()
        #expect(text.hasSuffix("deep * * * text"))
        #expect(!text.contains("* * * * deep"))
    }
}
