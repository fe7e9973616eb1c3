/// The styles the Markdown renderer draws with, looked up once from a ``Theme``.
///
/// Keys: `markdown.heading` (and `.1`…`.6`), `markdown.emphasis`, `markdown.strong`,
/// `markdown.strikethrough`, `markdown.code`, `markdown.codeblock` (with `.label` and
/// `.marker`), `markdown.quote`, `markdown.quote.bar`, `markdown.link`, `markdown.link.url`,
/// `markdown.list.bullet`, `markdown.table.border`, `markdown.table.header`, `markdown.rule`,
/// and for code `syntax.*` and `diff.*` (see ``SyntaxTokenKind``).
///
/// A key's style is its own entry laid over its parents' (`markdown.heading.1` over
/// `markdown.heading` over `markdown`), like ``Theme/style(_:)`` but without the theme's
/// `default` entry: the base style plays that part, so a theme's default colours cannot
/// override the transcript colours the caller lays the text on. A theme without any entry for
/// a key still gets the obvious attribute (bold headings and strong text, italic emphasis,
/// underlined links, struck-through strikethrough, bold table headers). Every style here is laid over
/// the style of what contains it (the base, a quote, a heading) when drawn.
struct MarkdownStyles: Hashable, Sendable {
    var headings: [Style]
    var emphasis: Style
    var strong: Style
    var strikethrough: Style
    var code: Style
    var codeBlock: Style
    var codeBlockLabel: Style
    var codeBlockMarker: Style
    var quote: Style
    var quoteBar: Style
    var link: Style
    var linkURL: Style
    var bullet: Style
    var tableBorder: Style
    var tableHeader: Style
    var rule: Style
    /// Syntax colours, indexed by ``SyntaxTokenKind/rawValue``.
    var syntax: [Style]

    init(theme: Theme) {
        func own(_ key: String, otherwise fallback: TextAttributes = []) -> Style {
            var result: Style?
            var prefix = ""
            for part in key.split(separator: ".") {
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                if let style = theme.styles[prefix] { result = (result ?? .plain).patched(with: style) }
            }
            return result ?? Style(attributes: fallback)
        }
        headings = (1...6).map { own("markdown.heading.\($0)", otherwise: .bold) }
        emphasis = own("markdown.emphasis", otherwise: .italic)
        strong = own("markdown.strong", otherwise: .bold)
        strikethrough = own("markdown.strikethrough", otherwise: .strikethrough)
        code = own("markdown.code")
        codeBlock = own("markdown.codeblock")
        codeBlockLabel = own("markdown.codeblock.label")
        codeBlockMarker = own("markdown.codeblock.marker")
        quote = own("markdown.quote")
        quoteBar = own("markdown.quote.bar")
        link = own("markdown.link", otherwise: .underline)
        linkURL = own("markdown.link.url")
        bullet = own("markdown.list.bullet")
        tableBorder = own("markdown.table.border")
        tableHeader = own("markdown.table.header", otherwise: .bold)
        rule = own("markdown.rule")
        syntax = SyntaxTokenKind.allCases.map { own($0.themeKey) }
    }

    /// The heading style for a level (clamped to 1–6).
    func heading(_ level: Int) -> Style { headings[min(6, max(1, level)) - 1] }

    /// The colour of a kind of code token.
    func syntax(_ kind: SyntaxTokenKind) -> Style { syntax[kind.rawValue] }
}
