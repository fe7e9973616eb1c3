import TerminalUI

/// The pieces dialogs are drawn with: a titled box, a hint line, a message, a text field, a list.
struct ModalPainter {
    var theme: Theme

    /// The box of a modal `width`×`height` in `area`, and its inner rectangle (what `modal` returns).
    static func inner(width: Int, height: Int, in area: Rect) -> Rect {
        let box = area.centered(width: max(10, width), height: max(4, height))
        guard box.width >= 2, box.height >= 2 else { return .zero }
        return box.inset(by: 1)
    }

    /// Where a picker's list goes: `count` items in a box `width` wide, below an optional warning.
    static func pickerBody(width: Int, count: Int, warning: Bool, in area: Rect) -> Rect {
        let height = min(area.height - 2, count + 4 + (warning ? 2 : 0))
        let frame = inner(width: min(area.width - 2, width), height: height, in: area)
        var body = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: frame.height - 1)
        if warning { body = body.inset(top: 2) }
        return body
    }

    /// A list to choose from in a box, with an optional warning above it.
    func picker(
        _ title: String, width: Int, items: [Line], list: ListState, warning: String? = nil, hint text: String,
        in area: Rect, buffer: inout Buffer
    ) {
        let height = min(area.height - 2, items.count + 4 + (warning == nil ? 0 : 2))
        let frame = modal(title, width: min(area.width - 2, width), height: height, in: area, buffer: &buffer)
        var body = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: frame.height - 1)
        if let warning {
            _ = buffer.setString(warning, x: body.x, y: body.y, style: theme.style("modal.warning"), clip: body)
            body = body.inset(top: 2)
        }
        self.list(items, state: list, in: body, buffer: &buffer)
        hint(text, frame: frame, buffer: &buffer)
    }

    /// Items with the selection highlighted (`state` was kept visible when it changed).
    func list(_ items: [Line], state: ListState, in body: Rect, buffer: inout Buffer) {
        var shown = state // ListView keeps the selection visible; it already is, so nothing changes
        ListView(items: items, style: theme.style("modal.text"), selectedStyle: theme.style("modal.button.selected"))
            .render(in: body, buffer: &buffer, state: &shown)
    }

    func modal(_ title: String, width: Int, height: Int, in area: Rect, buffer: inout Buffer) -> Rect {
        let frame = ModalFrame(
            title: Line(title, style: theme.style("modal.title")), width: max(10, width), height: max(4, height),
            style: theme.style("modal"), borderStyle: theme.style("modal.border"),
            titleStyle: theme.style("modal.title"))
        return frame.render(in: area, buffer: &buffer)
    }

    func hint(_ text: String, frame: Rect, buffer: inout Buffer) {
        let line = TextLayout.truncate(Line(text, style: theme.style("modal.hint")), width: frame.width - 2)
        _ = buffer.setLine(line, x: frame.x + 1, y: frame.maxY - 1, clip: frame)
    }

    func message(_ title: String, _ paragraphs: [String], hint text: String, in area: Rect, buffer: inout Buffer) {
        let width = min(area.width - 2, 64)
        let lines = paragraphs.flatMap {
            TextLayout.wrap($0, style: theme.style("modal.text"), width: max(8, width - 4))
        }
        let frame = modal(title, width: width, height: lines.count + 4, in: area, buffer: &buffer)
        let body = Rect(x: frame.x + 1, y: frame.y + 1, width: frame.width - 2, height: frame.height - 2)
        for (i, line) in lines.enumerated() { _ = buffer.setLine(line, x: body.x, y: body.y + i, clip: body) }
        hint(text, frame: frame, buffer: &buffer)
    }

    func field(_ title: String, editor: TextEditor, rows: Int, hint text: String, in area: Rect, buffer: inout Buffer)
        -> Position?
    {
        let width = min(area.width - 2, 70)
        let frame = modal(title, width: width, height: rows + 4, in: area, buffer: &buffer)
        let box = Rect(x: frame.x + 2, y: frame.y + 1, width: frame.width - 4, height: rows)
        buffer.fill(box, with: Cell(" ", style: theme.style("modal.field.focused")))
        var editor = editor // drawing scrolls a copy; the dialog's field is short enough to need none kept
        editor.style = theme.style("modal.field.focused")
        let cursor = editor.render(in: box, buffer: &buffer)
        hint(text, frame: frame, buffer: &buffer)
        return cursor
    }
}
