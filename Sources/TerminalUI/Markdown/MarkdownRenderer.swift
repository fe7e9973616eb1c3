/// Renders Markdown (CommonMark with GitHub's tables, strikethrough, autolinks and task lists)
/// as styled terminal lines of a given width.
///
/// - Styles come from a ``Theme`` (keys listed in ``MarkdownStyles``) laid over `baseStyle`,
///   the style of the surrounding text (a transcript's reply colour, say).
/// - The text is parsed with cmark-gfm; all text drawn is sanitised, so untrusted model output
///   cannot send escape sequences to the terminal.
/// - The source is split into top-level chunks (``MarkdownChunker``) rendered one by one, with a
///   blank line between them; ``StreamingMarkdown`` does the same while text streams in, and
///   re-renders only the last chunk, so both give the same lines for the same text.
public struct MarkdownRenderer: Sendable {
    public let baseStyle: Style
    let styles: MarkdownStyles

    public init(theme: Theme, baseStyle: Style = .plain) {
        self.baseStyle = baseStyle
        styles = MarkdownStyles(theme: theme)
    }

    /// The lines of `markdown` laid out `width` columns wide (at least one).
    public func render(_ markdown: String, width: Int) -> MarkdownRendering {
        var stream = StreamingMarkdown(renderer: self)
        stream.append(markdown)
        return stream.lines(width: width)
    }

    /// One chunk on its own: its rendering, preceded by a blank line when `separated` and it
    /// is not empty, and its blocks (renumbered to continue the context's list).
    /// `codeRowCache` brings the code rows of the chunk's previous render and takes back this
    /// render's.
    func render(
        chunk: ArraySlice<UInt8>, context: MarkdownChunkContext, width: Int, separated: Bool,
        codeRowCache: inout MarkdownCodeRowCache
    ) -> (MarkdownRenderedChunk, [MarkdownBlock]) {
        var source = context.definitions
        if !source.isEmpty { source.append(UInt8(ascii: "\n")) }
        source += chunk
        let blocks = context.continuing(CMarkParser.parse(source))
        var layout = MarkdownLayout(styles: styles, previousCodeRowCache: codeRowCache)
        var rows = layout.rows(for: blocks, width: max(1, width), style: baseStyle)
        codeRowCache = layout.codeRowCache
        if layout.mayOverflow {
            for index in rows.indices where rows[index].line.width > width {
                rows[index].line = TextLayout.clip(rows[index].line, width: width)
            }
        }
        if separated, !rows.isEmpty { rows.insert(MarkdownLayout.Row(line: Line()), at: 0) }
        var rendered = MarkdownRenderedChunk(lines: rows.map(\.line))
        for (index, block) in layout.codeBlocks.enumerated() {
            guard let first = rows.firstIndex(where: { $0.codeBlock == index }),
                let last = rows.lastIndex(where: { $0.codeBlock == index })
            else { continue }
            rendered.codeBlocks.append(
                MarkdownCodeBlock(language: block.language, code: block.code, lines: first..<(last + 1)))
        }
        return (rendered, blocks)
    }
}
