/// Word wrapping and truncation by display width.
public enum TextLayout {
    /// One grapheme cluster ready to draw.
    struct Glyph {
        var character: Character
        var style: Style
        var width: Int
        var isSpace: Bool { character == " " }
    }

    /// Wraps a line to `width` columns.
    ///
    /// - Explicit newlines (LF, CR LF, CR, U+2028, U+2029) start a new line; an empty paragraph
    ///   gives one empty line.
    /// - Lines break at spaces, and before or after any two-column character (so CJK text and
    ///   emoji break anywhere, as UAX #14 allows); the spaces at a break are dropped.
    /// - A word longer than the width starts on a new line and is cut between grapheme
    ///   clusters, never inside one.
    /// - Leading spaces of a paragraph are kept (indentation); spaces at the end of a paragraph
    ///   are kept only as far as they fit.
    /// - Tabs become spaces up to the next multiple of `tabWidth`; other control characters
    ///   become U+FFFD; zero-width clusters on their own are dropped.
    ///
    /// Returns no lines when `width` is less than 1.
    public static func wrap(_ line: Line, width: Int, tabWidth: Int = 4) -> [Line] {
        guard width > 0 else { return [] }
        return paragraphs(of: line.spans, tabWidth: tabWidth).flatMap { paragraph in
            wrapParagraph(paragraph, width: width).map(makeLine)
        }
    }

    /// Wraps every line to `width` columns (see ``wrap(_:width:tabWidth:)``).
    public static func wrap(_ lines: [Line], width: Int, tabWidth: Int = 4) -> [Line] {
        lines.flatMap { wrap($0, width: width, tabWidth: tabWidth) }
    }

    /// Wraps plain text in one style to `width` columns.
    public static func wrap(_ text: String, style: Style = .plain, width: Int, tabWidth: Int = 4) -> [Line] {
        wrap(Line(text, style: style), width: width, tabWidth: tabWidth)
    }

    /// The line cut to at most `width` columns, ending in `ellipsis` when anything was cut.
    ///
    /// The ellipsis takes the style of the first character it replaces. Newlines and tabs count
    /// as spaces. A width narrower than the ellipsis gives a plain cut.
    public static func truncate(_ line: Line, width: Int, ellipsis: String = "…") -> Line {
        guard width > 0 else { return Line() }
        let glyphs = flatGlyphs(line.spans)
        let total = glyphs.reduce(0) { $0 + $1.width }
        if total <= width { return makeLine(glyphs) }
        let ellipsisWidth = ellipsis.displayWidth
        let room = ellipsisWidth > width ? width : width - ellipsisWidth
        var out: [Glyph] = []
        var used = 0
        var cutStyle = glyphs.first?.style ?? .plain
        for g in glyphs {
            if used + g.width > room {
                cutStyle = g.style
                break
            }
            out.append(g)
            used += g.width
        }
        var result = makeLine(out)
        if ellipsisWidth <= width { result.spans.append(Span(ellipsis, style: cutStyle)) }
        return result.merged()
    }

    /// The line cut to at most `width` columns, without an ellipsis.
    public static func clip(_ line: Line, width: Int) -> Line {
        truncate(line, width: width, ellipsis: String(repeating: "x", count: width + 1))
    }

    // MARK: - Internals

    static func flatGlyphs(_ spans: [Span]) -> [Glyph] {
        var out: [Glyph] = []
        for span in spans {
            for c in span.text {
                if c == "\t" || c == "\n" || c == "\r\n" || c == "\r" {
                    out.append(Glyph(character: " ", style: span.style, width: 1))
                } else if DisplayWidth.isControl(c) {
                    out.append(Glyph(character: TextSanitizer.replacement, style: span.style, width: 1))
                } else {
                    let w = DisplayWidth.of(c)
                    if w > 0 { out.append(Glyph(character: c, style: span.style, width: w)) }
                }
            }
        }
        return out
    }

    static func paragraphs(of spans: [Span], tabWidth: Int) -> [[Glyph]] {
        var result: [[Glyph]] = [[]]
        var column = 0
        let stop = max(1, tabWidth)
        for span in spans {
            for c in span.text {
                switch c {
                case "\n", "\r\n", "\r", "\u{2028}", "\u{2029}":
                    result.append([])
                    column = 0
                case "\t":
                    let n = stop - column % stop
                    for _ in 0..<n {
                        result[result.count - 1].append(Glyph(character: " ", style: span.style, width: 1))
                    }
                    column += n
                default:
                    if DisplayWidth.isControl(c) {
                        result[result.count - 1].append(
                            Glyph(character: TextSanitizer.replacement, style: span.style, width: 1))
                        column += 1
                    } else {
                        let w = DisplayWidth.of(c)
                        guard w > 0 else { continue }
                        result[result.count - 1].append(Glyph(character: c, style: span.style, width: w))
                        column += w
                    }
                }
            }
        }
        return result
    }

    static func wrapParagraph(_ g: [Glyph], width: Int) -> [[Glyph]] {
        var lines: [[Glyph]] = []
        var current: [Glyph] = []
        var currentWidth = 0
        var pending: ArraySlice<Glyph> = []
        var i = 0
        func flush() {
            lines.append(current)
            current = []
            currentWidth = 0
        }
        while i < g.count {
            if g[i].isSpace {
                var j = i
                while j < g.count, g[j].isSpace { j += 1 }
                // Spaces at the start of a wrapped line are the break itself: drop them.
                pending = current.isEmpty && !lines.isEmpty ? [] : g[i..<j]
                i = j
                continue
            }
            // A token: one two-column glyph, or a run of narrow non-space glyphs.
            var j = i + 1
            if g[i].width < 2 {
                while j < g.count, !g[j].isSpace, g[j].width < 2 { j += 1 }
            }
            let token = g[i..<j]
            let tokenWidth = token.reduce(0) { $0 + $1.width }
            if currentWidth + pending.count + tokenWidth <= width {
                current += pending
                current += token
                currentWidth += pending.count + tokenWidth
            } else if tokenWidth <= width {
                if !current.isEmpty { flush() }
                current = Array(token)
                currentWidth = tokenWidth
            } else {
                if !current.isEmpty { flush() }
                for glyph in token {
                    if currentWidth + glyph.width > width, !current.isEmpty { flush() }
                    current.append(glyph)
                    currentWidth += glyph.width
                }
            }
            pending = []
            i = j
        }
        for space in pending where currentWidth + space.width <= width {
            current.append(space)
            currentWidth += space.width
        }
        lines.append(current)
        return lines
    }

    static func makeLine(_ glyphs: [Glyph]) -> Line {
        var spans: [Span] = []
        for g in glyphs {
            if let last = spans.last, last.style == g.style {
                spans[spans.count - 1].text.append(g.character)
            } else {
                spans.append(Span(String(g.character), style: g.style))
            }
        }
        return Line(spans)
    }
}

extension Line {
    /// The line with neighbouring spans of the same style joined and empty spans removed.
    public func merged() -> Line {
        var out: [Span] = []
        for span in spans where !span.text.isEmpty {
            if let last = out.last, last.style == span.style {
                out[out.count - 1].text += span.text
            } else {
                out.append(span)
            }
        }
        return Line(out)
    }
}
