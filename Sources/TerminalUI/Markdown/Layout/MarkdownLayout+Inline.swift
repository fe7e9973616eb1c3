/// Inline content: one line of styled spans, wrapped later by the block that holds it.
extension MarkdownLayout {
    /// The spans of `inlines` over `style`; hard breaks become newlines, soft breaks spaces.
    func line(for inlines: [MarkdownInline], style: Style) -> Line {
        var line = Line()
        append(inlines, style: style, to: &line)
        return line.merged()
    }

    private func append(_ inlines: [MarkdownInline], style: Style, to line: inout Line) {
        for inline in inlines { append(inline, style: style, to: &line) }
    }

    private func append(_ inline: MarkdownInline, style: Style, to line: inout Line) {
        switch inline {
        case .text(let text), .html(let text):
            line.append(text, style: style)
        case .code(let code):
            line.append(code, style: style.patched(with: styles.code))
        case .emphasis(let children):
            append(children, style: style.patched(with: styles.emphasis), to: &line)
        case .strong(let children):
            append(children, style: style.patched(with: styles.strong), to: &line)
        case .strikethrough(let children):
            append(children, style: style.patched(with: styles.strikethrough), to: &line)
        case .link(let url, let children):
            appendLink(url: url, children: children, style: style, to: &line)
        case .image(let url, let children):
            appendLink(url: url, children: children.isEmpty ? [.text("image")] : children, style: style, to: &line)
        case .softBreak, .lineBreak:
            // A chat reply's single line breaks are meant (lists of lines, poems, addresses):
            // shown as breaks, as chat apps and GitHub comments do, not joined into one paragraph.
            line.append("\n", style: style)
        }
    }

    /// The link text, then ` (url)` unless the text already is the URL (autolinks).
    private func appendLink(url: String, children: [MarkdownInline], style: Style, to line: inout Line) {
        append(children, style: style.patched(with: styles.link), to: &line)
        let text = children.map(\.plainText).joined()
        let redundant = url.isEmpty || [text, "http://" + text, "https://" + text, "mailto:" + text].contains(url)
        if !redundant { line.append(" (\(url))", style: style.patched(with: styles.linkURL)) }
    }
}
