/// The rows of code lines laid out by one render, for the next render to reuse: while a long
/// code block streams in, only its last line changes, so only that line is highlighted and
/// cut again.
///
/// A line's rows depend only on its text, the highlighter state before it, and the block's
/// language, width and style; entries are reused only when all of these match, so a render
/// with a cache gives the same rows as one without.
struct MarkdownCodeRowCache: Sendable {
    /// A code block of a render: its position among the render's code blocks, and what its
    /// rows depend on besides the lines.
    struct Key: Hashable, Sendable {
        var block: Int
        var language: String?
        var width: Int
        var style: Style
    }

    /// One line of code and its rows. The text is a copy: a substring would keep the whole
    /// code of an older render alive.
    struct Entry: Sendable {
        var text: String
        var stateBefore: SyntaxHighlighter.State?
        var stateAfter: SyntaxHighlighter.State?
        var rows: [Line]

        /// True when the entry is for this line, starting in this state (bytes compared, not
        /// canonical equivalence: the rows must show exactly these characters).
        func matches(_ line: Substring, state: SyntaxHighlighter.State?) -> Bool {
            guard stateBefore == state, text.utf8.count == line.utf8.count else { return false }
            let contiguous = text.utf8.withContiguousStorageIfAvailable { mine in
                line.utf8.withContiguousStorageIfAvailable { theirs in mine.elementsEqual(theirs) }
            }
            return (contiguous ?? nil) ?? text.utf8.elementsEqual(line.utf8)
        }
    }

    private var blocks: [Key: [Entry]] = [:]

    subscript(key: Key) -> [Entry] {
        get { blocks[key] ?? [] }
        set { blocks[key] = newValue }
    }
}
