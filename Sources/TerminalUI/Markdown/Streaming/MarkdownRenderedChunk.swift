/// The rendered lines of one chunk and the code blocks among them.
struct MarkdownRenderedChunk: Sendable {
    var lines: [Line] = []
    /// Code blocks with line ranges inside ``lines``.
    var codeBlocks: [MarkdownCodeBlock] = []
}
