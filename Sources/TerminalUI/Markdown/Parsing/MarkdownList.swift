/// A bullet or ordered list and its items.
struct MarkdownList: Hashable, Sendable {
    /// How items are marked.
    enum Kind: Hashable, Sendable {
        case bullet
        /// Numbered, with the delimiter after the number (`.` or `)`).
        case ordered(start: Int, delimiter: Character)
    }

    /// One list item: its blocks, and for a task list item whether it is checked.
    struct Item: Hashable, Sendable {
        var task: Bool?
        var blocks: [MarkdownBlock]
    }

    var kind: Kind
    /// A tight list has no blank lines between its items or their blocks.
    var tight: Bool
    var items: [Item]
}
