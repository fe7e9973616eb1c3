import TerminalUI

/// F1: every key of the keymap, by section; ↑/↓ and PgUp/PgDn scroll, any other key closes.
struct HelpLayer: Layer {
    var offset = 0

    /// The help text as rows, for a width: the keymap's entries, section by section.
    static func lines(width: Int, theme: Theme) -> [Line] {
        let keyWidth = min(26, max(12, width / 2 - 2))
        var lines: [Line] = []
        for (section, entries) in Keymap.sections {
            if !lines.isEmpty { lines.append(Line()) }
            lines.append(Line(section.rawValue, style: theme.style("help.section")))
            for entry in entries {
                let keys = TextLayout.truncate(Line(entry.keys, style: theme.style("help.key")), width: keyWidth)
                let pad = String(repeating: " ", count: max(1, keyWidth + 1 - keys.width))
                let wrapped = TextLayout.wrap(
                    entry.help, style: theme.style("help.text"), width: max(8, width - keyWidth - 1))
                for (i, row) in wrapped.enumerated() {
                    let lead = i == 0 ? keys.spans + [Span(pad)] : [Span(String(repeating: " ", count: keyWidth + 1))]
                    lines.append(Line(lead + row.spans))
                }
            }
        }
        return lines
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        let page = max(1, context.size.height - 6)
        switch key.key {
        case .down: offset += 1
        case .pageDown: offset += page
        case .up: offset = max(0, offset - 1)
        case .pageUp: offset = max(0, offset - page)
        default: return .close
        }
        return .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let painter = ModalPainter(theme: context.theme)
        let frame = painter.modal(
            "Keys", width: min(area.width - 2, 84), height: area.height - 2, in: area, buffer: &buffer)
        let body = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: frame.height - 1)
        let lines = Self.lines(width: body.width, theme: context.theme)
        let start = min(offset, max(0, lines.count - body.height))
        for (i, line) in lines.dropFirst(start).prefix(body.height).enumerated() {
            _ = buffer.setLine(line, x: body.x, y: body.y + i, clip: body)
        }
        painter.hint(
            lines.count > body.height ? "PgUp/PgDn scroll · Esc closes" : "Esc or F1 closes", frame: frame,
            buffer: &buffer)
        return nil
    }
}
