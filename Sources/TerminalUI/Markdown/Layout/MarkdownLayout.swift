/// Lays parsed Markdown blocks out as terminal rows of a given width.
///
/// Blocks are separated by a blank row (except inside tight lists). Paragraph text wraps by
/// display width; containers (quotes, list items) lay out their children narrower and put
/// their prefix in front of each row: `│ ` for a quote, the marker and then a hanging indent for
/// a list item. Code blocks met on the way are collected with the rows they fill. Containers
/// nested deeper than the width allows still give their content one column, so rows can come
/// out wider than asked (``mayOverflow``); the renderer clips those.
struct MarkdownLayout {
    /// One row of output, and the code block (index into ``codeBlocks``) it shows, if any.
    struct Row: Hashable, Sendable {
        var line: Line
        var codeBlock: Int?
    }

    /// A code block met during layout: its language and its code as written.
    struct CodeBlock: Hashable, Sendable {
        var language: String?
        var code: String
    }

    /// Bullets by nesting depth (repeating).
    static let bullets = ["•", "◦", "▪"]
    static let quoteBar = "│ "
    static let taskUnchecked = "☐"
    static let taskChecked = "☑"

    let styles: MarkdownStyles
    /// Code rows of the previous render, to reuse.
    let previousCodeRowCache: MarkdownCodeRowCache
    /// Code rows of this render, for the next one.
    var codeRowCache = MarkdownCodeRowCache()
    private(set) var codeBlocks: [CodeBlock] = []
    /// True once something was laid out less than two columns wide, where a wide character or
    /// a container's prefix can stick out: only then can rows be wider than asked.
    private(set) var mayOverflow = false

    init(styles: MarkdownStyles, previousCodeRowCache: MarkdownCodeRowCache = MarkdownCodeRowCache()) {
        self.styles = styles
        self.previousCodeRowCache = previousCodeRowCache
    }

    /// The rows of `blocks` laid out `width` columns wide over `style`.
    mutating func rows(for blocks: [MarkdownBlock], width: Int, style: Style, tight: Bool = false, listDepth: Int = 0)
        -> [Row]
    {
        if width < 2 { mayOverflow = true }
        var result: [Row] = []
        for block in blocks {
            let rows = self.rows(for: block, width: max(1, width), style: style, listDepth: listDepth)
            if rows.isEmpty { continue }
            if !tight, !result.isEmpty { result.append(Row(line: Line())) }
            result += rows
        }
        return result
    }

    private mutating func rows(for block: MarkdownBlock, width: Int, style: Style, listDepth: Int) -> [Row] {
        switch block {
        case .paragraph(let inlines):
            return wrapped(line(for: inlines, style: style), width: width)
        case .heading(let level, let inlines):
            return wrapped(line(for: inlines, style: style.patched(with: styles.heading(level))), width: width)
        case .codeBlock(let language, let code):
            return codeBlockRows(language: language, code: code, width: width, style: style)
        case .htmlBlock(let html):
            return wrapped(Line(html, style: style), width: width)
        case .blockQuote(let children):
            let inner = style.patched(with: styles.quote)
            let bar = Span(Self.quoteBar, style: inner.patched(with: styles.quoteBar))
            let rows = self.rows(
                for: children, width: width - Self.quoteBar.displayWidth, style: inner, listDepth: listDepth)
            return prefixed(rows, first: [bar], rest: [bar])
        case .list(let list):
            return listRows(list, width: width, style: style, listDepth: listDepth)
        case .table(let table):
            return tableRows(table, width: width, style: style)
        case .thematicBreak:
            return [Row(line: Line(String(repeating: "─", count: width), style: style.patched(with: styles.rule)))]
        }
    }

    // MARK: Lists

    private mutating func listRows(_ list: MarkdownList, width: Int, style: Style, listDepth: Int) -> [Row] {
        let markers: [String] = list.items.enumerated().map { index, item in
            let checkbox = item.task.map { $0 ? Self.taskChecked : Self.taskUnchecked }
            switch list.kind {
            case .bullet:
                return checkbox ?? Self.bullets[listDepth % Self.bullets.count]
            case .ordered(let start, let delimiter):
                let number = "\(start + index)\(delimiter)"
                return checkbox.map { number + " " + $0 } ?? number
            }
        }
        let markerWidth = markers.map(\.displayWidth).max() ?? 0
        let markerStyle = style.patched(with: styles.bullet)
        let indent = Span(String(repeating: " ", count: markerWidth + 1), style: style)
        var result: [Row] = []
        for (item, marker) in zip(list.items, markers) {
            if !list.tight, !result.isEmpty { result.append(Row(line: Line())) }
            let padding = String(repeating: " ", count: markerWidth - marker.displayWidth)
            let text = list.kind == .bullet ? marker + padding : padding + marker
            let first = [Span(text, style: markerStyle), Span(" ", style: style)]
            var rows = self.rows(
                for: item.blocks, width: width - markerWidth - 1, style: style,
                tight: list.tight, listDepth: listDepth + 1)
            if rows.isEmpty { rows = [Row(line: Line())] }
            result += prefixed(rows, first: first, rest: [indent])
        }
        return result
    }

    // MARK: Helpers

    /// `line` wrapped to `width`, as rows.
    func wrapped(_ line: Line, width: Int) -> [Row] {
        TextLayout.wrap(line, width: width).map { Row(line: $0.merged()) }
    }

    /// Rows with `first` in front of the first row and `rest` in front of the others; an empty
    /// row gets the prefix without its trailing spaces, so blank rows stay blank.
    func prefixed(_ rows: [Row], first: [Span], rest: [Span]) -> [Row] {
        rows.enumerated().map { index, row in
            var prefix = index == 0 ? first : rest
            if row.line.isEmpty { prefix = trimmingTrailingSpaces(prefix) }
            return Row(line: Line(prefix + row.line.spans).merged(), codeBlock: row.codeBlock)
        }
    }

    /// The spans without the spaces at their end.
    func trimmingTrailingSpaces(_ spans: [Span]) -> [Span] {
        var spans = spans
        while let last = spans.last {
            let trimmed = String(last.text.reversed().drop(while: { $0 == " " }).reversed())
            if trimmed.isEmpty {
                spans.removeLast()
            } else {
                spans[spans.count - 1].text = trimmed
                break
            }
        }
        return spans
    }

    /// Adds a code block to ``codeBlocks`` and returns its index.
    mutating func register(_ block: CodeBlock) -> Int {
        codeBlocks.append(block)
        return codeBlocks.count - 1
    }
}
