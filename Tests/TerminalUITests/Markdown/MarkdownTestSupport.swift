@testable import TerminalUI

/// Renders Markdown for tests: plain text of each line, or the lines themselves.
enum MD {
    static let theme = Theme(styles: [
        "markdown.heading": Style(attributes: .bold),
        "markdown.heading.1": Style(foreground: .magenta, attributes: .underline),
        "markdown.emphasis": Style(attributes: .italic),
        "markdown.strong": Style(attributes: .bold),
        "markdown.strikethrough": Style(attributes: .strikethrough),
        "markdown.code": Style(foreground: .yellow),
        "markdown.codeblock": Style(background: .indexed(236)),
        "markdown.codeblock.label": Style(foreground: .gray, attributes: .italic),
        "markdown.codeblock.marker": Style(foreground: .gray),
        "markdown.quote": Style(foreground: .green),
        "markdown.quote.bar": Style(foreground: .gray),
        "markdown.link": Style(foreground: .blue, attributes: .underline),
        "markdown.link.url": Style(foreground: .gray),
        "markdown.list.bullet": Style(foreground: .cyan),
        "markdown.table.border": Style(foreground: .gray),
        "markdown.table.header": Style(attributes: .bold),
        "markdown.rule": Style(foreground: .gray),
        "syntax.keyword": Style(foreground: .magenta),
        "syntax.string": Style(foreground: .green),
        "syntax.comment": Style(foreground: .gray, attributes: .italic),
        "syntax.number": Style(foreground: .yellow),
        "syntax.type": Style(foreground: .cyan),
        "syntax.function": Style(foreground: .blue),
        "syntax.operator": Style(foreground: .red),
        "diff.added": Style(foreground: .green),
        "diff.removed": Style(foreground: .red),
        "diff.hunk": Style(foreground: .cyan),
        "diff.header": Style(attributes: .bold),
    ])

    static let base = Style(foreground: .white)
    static let renderer = MarkdownRenderer(theme: theme, baseStyle: base)

    static func render(_ markdown: String, width: Int = 40) -> MarkdownRendering {
        renderer.render(markdown, width: width)
    }

    static func text(_ markdown: String, width: Int = 40) -> [String] {
        render(markdown, width: width).map(\.plainText)
    }

    /// The style of the first span whose text contains `fragment`.
    static func style(of fragment: String, in lines: some Sequence<Line>) -> Style? {
        for line in lines {
            if let span = line.spans.first(where: { $0.text.contains(fragment) }) { return span.style }
        }
        return nil
    }
}
