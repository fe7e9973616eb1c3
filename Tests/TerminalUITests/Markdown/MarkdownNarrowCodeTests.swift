import Foundation
import Testing

@testable import TerminalUI

/// Code blocks at the narrowest widths: a wide character after the continuation marker made a
/// row 3 columns wide at width 2 (found by the markdown fuzz target, Tests/Fuzz/Crashes/markdown).
@Suite struct MarkdownNarrowCodeTests {
    @Test(arguments: 2...6)
    func wideCharactersInCodeFitEveryWidth(_ width: Int) {
        let source = "~~~\nunt中文urn 😀😀 a中b\n~~~\n"
        let lines = MD.render(source, width: width)
        for line in lines { #expect(line.width <= width, "\(line.plainText) at width \(width)") }
        // Nothing is dropped: the rows without their markers spell the line.
        let text = lines.map(\.plainText).joined().replacingOccurrences(of: MarkdownLayout.continuationMarker, with: "")
            .replacingOccurrences(of: " ", with: "")
        #expect(text.contains("unt中文urn😀😀a中b"))
    }
}
