/// Rendered chunks one after another, addressed by line number without joining their arrays,
/// so that adding a chunk costs the same however many came before.
struct MarkdownRenderedChunks: Sendable {
    private(set) var chunks: [MarkdownRenderedChunk] = []
    /// The first line of each chunk.
    private var lineStarts: [Int] = []
    /// The index of the first code block of each chunk.
    private var codeBlockStarts: [Int] = []
    private(set) var lineCount = 0
    private(set) var codeBlockCount = 0

    mutating func append(_ chunk: MarkdownRenderedChunk) {
        chunks.append(chunk)
        lineStarts.append(lineCount)
        codeBlockStarts.append(codeBlockCount)
        lineCount += chunk.lines.count
        codeBlockCount += chunk.codeBlocks.count
    }

    /// The chunk holding `line` (which must be below ``lineCount``) and where the chunk starts.
    func chunk(containing line: Int) -> (chunk: MarkdownRenderedChunk, firstLine: Int, firstCodeBlock: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= line { low = mid } else { high = mid - 1 }
        }
        return (chunks[low], lineStarts[low], codeBlockStarts[low])
    }

    /// Every code block, with line ranges counted from the first chunk's first line.
    var codeBlocks: [MarkdownCodeBlock] {
        zip(chunks, lineStarts).flatMap { chunk, start in
            chunk.codeBlocks.map { $0.shifted(by: start) }
        }
    }
}
