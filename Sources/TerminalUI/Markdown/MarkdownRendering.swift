/// Rendered Markdown: its lines (a random-access collection), and the code blocks among them.
///
/// Built from per-chunk arrays without joining them, so getting a rendering costs the same
/// however long the text is; index it for the rows a view shows, or take `Array(rendering)`
/// for all of them.
public struct MarkdownRendering: RandomAccessCollection, Sendable {
    let completed: MarkdownRenderedChunks
    let open: MarkdownRenderedChunk

    init(completed: MarkdownRenderedChunks, open: MarkdownRenderedChunk) {
        self.completed = completed
        self.open = open
    }

    /// No lines at all.
    public init() {
        self.init(completed: MarkdownRenderedChunks(), open: MarkdownRenderedChunk())
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { completed.lineCount + open.lines.count }

    public subscript(position: Int) -> Line {
        precondition(indices.contains(position), "line \(position) is outside 0..<\(count)")
        if position >= completed.lineCount { return open.lines[position - completed.lineCount] }
        let (chunk, firstLine, _) = completed.chunk(containing: position)
        return chunk.lines[position - firstLine]
    }

    /// Every line, in one array.
    public var lines: [Line] { completed.chunks.flatMap(\.lines) + open.lines }

    /// The code blocks in order, with the lines each one takes.
    public var codeBlocks: [MarkdownCodeBlock] {
        completed.codeBlocks + open.codeBlocks.map { $0.shifted(by: completed.lineCount) }
    }

    /// The index in ``codeBlocks`` of the code block that `line` belongs to, or nil when the
    /// line is not part of one.
    public func codeBlockIndex(atLine line: Int) -> Int? {
        guard indices.contains(line) else { return nil }
        let chunk: MarkdownRenderedChunk
        let firstLine: Int
        let firstCodeBlock: Int
        if line >= completed.lineCount {
            (chunk, firstLine, firstCodeBlock) = (open, completed.lineCount, completed.codeBlockCount)
        } else {
            (chunk, firstLine, firstCodeBlock) = completed.chunk(containing: line)
        }
        return chunk.codeBlocks.firstIndex { $0.lines.contains(line - firstLine) }.map { firstCodeBlock + $0 }
    }
}
