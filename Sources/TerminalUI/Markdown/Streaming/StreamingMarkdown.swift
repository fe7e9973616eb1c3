/// Markdown that arrives in pieces (a streamed reply), rendered incrementally.
///
/// Completed chunks (see ``MarkdownChunker``) are rendered once per width and kept; each call
/// to ``lines(width:)`` re-parses and lays out only the open chunk after them, so the cost of a
/// delta does not grow with the length of the text. A width change lays everything out again.
/// The lines are always exactly those that ``MarkdownRenderer/render(_:width:)`` gives for the
/// whole text.
///
/// Keep one value and mutate it in place: a copy kept alive while appending makes the next
/// append copy the text.
public struct StreamingMarkdown: Sendable {
    public let renderer: MarkdownRenderer
    private var source: [UInt8] = []
    private var chunker = MarkdownChunker()
    private var chunks: [MarkdownChunk] = []
    /// The context after each chunk, filled in as chunks are first rendered.
    private var contexts: [MarkdownChunkContext] = []
    private var rendered = MarkdownRenderedChunks()
    private var renderedWidth: Int?
    private var openRendering: (key: OpenKey, chunk: MarkdownRenderedChunk)?
    /// Code rows of the open chunk's last render.
    private var openCodeRowCache = MarkdownCodeRowCache()

    /// What the open chunk's rendering depends on.
    private struct OpenKey: Equatable {
        var width: Int
        var sourceLength: Int
    }

    public init(renderer: MarkdownRenderer, text: String = "") {
        self.renderer = renderer
        append(text)
    }

    /// The text so far.
    public var text: String { String(decoding: source, as: UTF8.self) }

    /// Adds the next piece of text.
    public mutating func append(_ delta: String) {
        guard !delta.isEmpty else { return }
        source.append(contentsOf: delta.utf8)
        chunks += chunker.scan(source)
    }

    /// The text so far laid out `width` columns wide (at least one).
    public mutating func lines(width: Int) -> MarkdownRendering {
        let width = max(1, width)
        if renderedWidth != width {
            rendered = MarkdownRenderedChunks()
            renderedWidth = width
        }
        while rendered.chunks.count < chunks.count {
            let index = rendered.chunks.count
            let context = index == 0 ? MarkdownChunkContext() : contexts[index - 1]
            let chunk = chunks[index]
            var codeRowCache = MarkdownCodeRowCache()
            let (rendering, blocks) = renderer.render(
                chunk: source[chunk.range], context: context, width: width,
                separated: rendered.lineCount > 0, codeRowCache: &codeRowCache)
            if contexts.count == index {
                contexts.append(
                    context.next(after: blocks, definitionLines: chunk.definitionCandidates.map { source[$0] }))
            }
            rendered.append(rendering)
        }
        let key = OpenKey(width: width, sourceLength: source.count)
        if openRendering?.key != key {
            let (rendering, _) = renderer.render(
                chunk: source[chunker.openChunkStart...], context: contexts.last ?? MarkdownChunkContext(),
                width: width, separated: rendered.lineCount > 0, codeRowCache: &openCodeRowCache)
            openRendering = (key, rendering)
        }
        return MarkdownRendering(completed: rendered, open: openRendering?.chunk ?? MarkdownRenderedChunk())
    }
}
