/// A run of inline Markdown content inside a paragraph, heading or table cell.
indirect enum MarkdownInline: Hashable, Sendable {
    case text(String)
    /// A code span.
    case code(String)
    case emphasis([MarkdownInline])
    case strong([MarkdownInline])
    case strikethrough([MarkdownInline])
    /// A link or autolink: its text and destination.
    case link(url: String, [MarkdownInline])
    /// An image: its description (alt text) and source, drawn like a link.
    case image(url: String, [MarkdownInline])
    /// Raw inline HTML, shown as literal text.
    case html(String)
    /// A line break inside a paragraph that is not a hard break: drawn as a space.
    case softBreak
    /// A hard line break (two trailing spaces or a backslash).
    case lineBreak

    /// The text without markup: what a link shows, for comparing with its URL.
    var plainText: String {
        switch self {
        case .text(let s), .code(let s), .html(let s): return s
        case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, let c), .image(_, let c):
            return c.map(\.plainText).joined()
        case .softBreak: return " "
        case .lineBreak: return "\n"
        }
    }
}
