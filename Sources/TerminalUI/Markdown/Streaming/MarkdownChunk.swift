/// A completed top-level piece of Markdown source: nothing appended after it can change how
/// it renders.
struct MarkdownChunk: Hashable, Sendable {
    /// Where the chunk lies in the source, in UTF-8 bytes.
    var range: Range<Int>
    /// Lines that may be link reference definitions (`[label]: url`), for later chunks.
    var definitionCandidates: [Range<Int>]
}
