/// Colours code line by line from a ``SyntaxLanguage`` table: a small lexer, not a parser.
///
/// Block comments and multi-line strings carry over from one line to the next, so feed the
/// lines of a block in order to one highlighter. Work is linear in the line's length; text
/// the tables do not describe stays plain.
public struct SyntaxHighlighter: Sendable {
    /// Where a line starts: in code, inside a block comment, or inside a string.
    enum State: Hashable, Sendable {
        case code
        case blockComment(depth: Int)
        case string(rule: Int)
    }

    public let language: SyntaxLanguage
    /// Where the next line starts.
    var state = State.code

    public init(language: SyntaxLanguage) {
        self.language = language
    }

    /// A highlighter for the language a code fence names; nil when the language is unknown.
    public init?(languageNamed name: String) {
        guard let language = SyntaxLanguage.named(name) else { return nil }
        self.init(language: language)
    }

    /// The tokens of every line of `code` (lines split at newlines).
    public static func highlight(_ code: String, language: SyntaxLanguage) -> [[SyntaxToken]] {
        var highlighter = SyntaxHighlighter(language: language)
        return code.split(separator: "\n", omittingEmptySubsequences: false).map { highlighter.highlight(line: $0) }
    }

    /// The tokens of the next line (without its newline): together they spell the line, and
    /// neighbours never share a kind.
    public mutating func highlight(line: some StringProtocol) -> [SyntaxToken] {
        let bytes = Array(line.utf8)
        var lexer = SyntaxLexer(language: language, bytes: bytes, state: state)
        lexer.run()
        state = lexer.state
        return lexer.tokens
    }
}
