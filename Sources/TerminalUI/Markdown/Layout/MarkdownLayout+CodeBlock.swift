/// Code blocks: a language label row, then the code on a background filled to the block's
/// width, highlighted, never re-wrapped as prose.
extension MarkdownLayout {
    /// Starts continuation rows of a code line longer than the width.
    static let continuationMarker = "↪"

    /// The rows of a code block; lines laid out by the previous render (see
    /// ``MarkdownCodeRowCache``) are reused.
    mutating func codeBlockRows(language: String?, code: String, width: Int, style: Style) -> [Row] {
        let index = register(CodeBlock(language: language, code: code))
        let blockStyle = style.patched(with: styles.codeBlock)
        var rows: [Line] = []
        if let language, !language.isEmpty {
            let label = TextLayout.truncate(
                Line(language, style: blockStyle.patched(with: styles.codeBlockLabel)), width: width)
            rows.append(filled(label.spans, used: label.width, width: width, style: blockStyle))
        }
        let key = MarkdownCodeRowCache.Key(block: index, language: language, width: width, style: blockStyle)
        var entries = previousCodeRowCache[key]
        var highlighter = language.flatMap { SyntaxHighlighter(languageNamed: $0) }
        for (number, text) in code.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated()
        {
            let text = Substring(text)
            let state = highlighter?.state
            if number < entries.count, entries[number].matches(text, state: state) {
                rows += entries[number].rows
                highlighter?.state = entries[number].stateAfter ?? .code
                continue
            }
            if number < entries.count { entries.removeSubrange(number...) }
            let lineRows = layOutCodeLine(text, highlighter: &highlighter, width: width, blockStyle: blockStyle)
            entries.append(
                .init(text: String(text), stateBefore: state, stateAfter: highlighter?.state, rows: lineRows))
            rows += lineRows
        }
        codeRowCache[key] = entries
        return rows.map { Row(line: $0, codeBlock: index) }
    }

    /// One line of code, sanitised, highlighted and cut into rows.
    private func layOutCodeLine(_ text: Substring, highlighter: inout SyntaxHighlighter?, width: Int, blockStyle: Style)
        -> [Line]
    {
        // Line by line, so that the sanitiser's fast path for printable ASCII applies.
        let line = TextSanitizer.sanitize(String(text), tabWidth: 4, keepNewlines: false)
        let spans: [Span]
        if highlighter != nil {
            spans =
                highlighter?.highlight(line: line).map { token in
                    Span(
                        token.text, style: token.kind.map { blockStyle.patched(with: styles.syntax($0)) } ?? blockStyle)
                } ?? []
        } else {
            spans = [Span(line, style: blockStyle)]
        }
        return cut(spans, width: width, blockStyle: blockStyle)
    }

    /// One line of code in rows of exactly `width` columns: the first row holds `width`
    /// columns of code, each continuation row the marker and `width - 1` columns; a wide
    /// character that does not fit moves to the next row (without the marker when the width is
    /// 2). Nothing is dropped: the rows without their markers spell the line.
    private func cut(_ spans: [Span], width: Int, blockStyle: Style) -> [Line] {
        let marker = Span(Self.continuationMarker, style: blockStyle.patched(with: styles.codeBlockMarker))
        let markerWidth = width > 1 ? marker.width : 0
        var rows: [Line] = []
        var current: [Span] = []
        var used = 0
        func flush() {
            rows.append(filled(current, used: used, width: width, style: blockStyle))
            current = markerWidth > 0 ? [marker] : []
            used = markerWidth
        }
        for span in spans {
            if span.text.utf8.allSatisfy({ $0 < 0x80 }) {
                // Printable ASCII (the text is sanitised): one column per byte.
                // A full row flushed here always leaves room on the next one, so this ends.
                var rest = Substring(span.text)
                while used + rest.utf8.count > width {
                    let room = width - used
                    if room > 0 {
                        let cut = rest.utf8.index(rest.startIndex, offsetBy: room)
                        current.append(Span(String(rest[..<cut]), style: span.style))
                        used = width
                        rest = rest[cut...]
                    }
                    flush()
                }
                current.append(Span(String(rest), style: span.style))
                used += rest.utf8.count
                continue
            }
            var pending = ""
            for character in span.text {
                let w = DisplayWidth.of(character)
                if used + w > width, used > (rows.isEmpty ? 0 : markerWidth) {
                    current.append(Span(pending, style: span.style))
                    pending = ""
                    flush()
                }
                if used + w > width, pending.isEmpty, markerWidth > 0, used == markerWidth, !rows.isEmpty {
                    // Too narrow for the marker and this wide character (2 columns): the row
                    // goes without its marker rather than overflow.
                    current.removeAll()
                    used = 0
                }
                pending.append(character)
                used += w
            }
            current.append(Span(pending, style: span.style))
        }
        rows.append(filled(current, used: used, width: width, style: blockStyle))
        return rows
    }

    /// The spans, which take `used` columns, padded with spaces in `style` to `width` columns.
    func filled(_ spans: [Span], used: Int, width: Int, style: Style) -> Line {
        var line = Line(spans)
        if used < width { line.append(String(repeating: " ", count: width - used), style: style) }
        return line.merged()
    }
}
