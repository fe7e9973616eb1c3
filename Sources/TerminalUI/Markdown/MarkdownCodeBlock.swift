/// A code block of rendered Markdown: its language, its code, and the rendered lines it fills.
public struct MarkdownCodeBlock: Hashable, Sendable {
    /// The first word of the fence's info string (`swift`), or nil.
    public var language: String?
    /// The code exactly as written, for copying. Not sanitised: never draw it directly.
    public var code: String
    /// The rendered lines the block takes (its label line and its code rows).
    public var lines: Range<Int>

    public init(language: String?, code: String, lines: Range<Int>) {
        self.language = language
        self.code = code
        self.lines = lines
    }

    /// The block with its lines moved down by `offset`.
    func shifted(by offset: Int) -> MarkdownCodeBlock {
        MarkdownCodeBlock(
            language: language, code: code, lines: (lines.lowerBound + offset)..<(lines.upperBound + offset))
    }
}
