/// What a chunk passes on to the chunks after it, since cmark sees each chunk alone.
///
/// - An ordered list split between chunks (items separated by blank lines) keeps counting:
///   a chunk that starts with an ordered list right after one that ended with an ordered list
///   of the same delimiter continues its numbers, as cmark would number one list.
/// - Link reference definitions (`[label]: url`) apply to the chunks after them: their lines
///   are parsed in front of each later chunk. A reference used before its definition is not
///   resolved (the rendered text shows `[label]`), since a chunk never changes once complete.
///   At most ``maxDefinitionBytes`` of definitions are carried, so a text of nothing but
///   definitions cannot make every later parse longer.
struct MarkdownChunkContext: Hashable, Sendable {
    static let maxDefinitionBytes = 8_192

    /// An ordered list a chunk ended with: its delimiter and the number its next item gets.
    struct ListContinuation: Hashable, Sendable {
        var delimiter: Character
        var next: Int
    }

    /// The ordered list the previous chunk ended with, if it did.
    var orderedList: ListContinuation?
    /// Link reference definitions seen so far, one per line.
    var definitions: [UInt8] = []

    /// `blocks` with a leading ordered list renumbered to continue the previous chunk's list.
    func continuing(_ blocks: [MarkdownBlock]) -> [MarkdownBlock] {
        guard let continuation = orderedList, case .list(var list)? = blocks.first,
            case .ordered(_, continuation.delimiter) = list.kind
        else { return blocks }
        list.kind = .ordered(start: continuation.next, delimiter: continuation.delimiter)
        return [.list(list)] + blocks.dropFirst()
    }

    /// The context after a chunk whose (renumbered) blocks are `blocks`, given the chunk's
    /// lines that may be definitions (``MarkdownChunk/definitionCandidates``): those that cmark
    /// parses to nothing are definitions.
    func next(after blocks: [MarkdownBlock], definitionLines: [ArraySlice<UInt8>]) -> MarkdownChunkContext {
        var context = MarkdownChunkContext(definitions: definitions)
        if case .list(let list)? = blocks.last, case .ordered(let start, let delimiter) = list.kind {
            context.orderedList = ListContinuation(delimiter: delimiter, next: start + list.items.count)
        }
        for line in definitionLines where context.definitions.count + line.count < Self.maxDefinitionBytes {
            guard CMarkParser.parse(line).isEmpty else { continue }
            context.definitions += line
            context.definitions.append(UInt8(ascii: "\n"))
        }
        return context
    }
}
