/// A block of a parsed Markdown document: the part of cmark-gfm's node tree the renderer draws.
///
/// Text in blocks and inlines is already sanitised (no control characters or escape
/// sequences), so layout never sees anything a terminal would interpret; the one exception is
/// a code block's code, kept exactly as written so that it can be copied, and sanitised by the
/// layout.
indirect enum MarkdownBlock: Hashable, Sendable {
    case paragraph([MarkdownInline])
    /// An ATX or setext heading, level 1–6.
    case heading(level: Int, [MarkdownInline])
    /// A fenced or indented code block: the info string's first word (nil when there is none)
    /// and the code as written (not sanitised), without the final newline.
    case codeBlock(language: String?, code: String)
    /// Raw HTML, shown as literal text.
    case htmlBlock(String)
    case blockQuote([MarkdownBlock])
    case list(MarkdownList)
    case table(MarkdownTable)
    case thematicBreak
}
