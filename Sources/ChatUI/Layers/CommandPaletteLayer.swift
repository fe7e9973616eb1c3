import ChatCore
import TerminalUI

/// Ctrl+P: every command of the keymap by name, with its keys. Typing filters (``FuzzyMatch``
/// on the help text), ↑/↓ choose, Enter runs the chosen command as its key would, Esc closes.
/// The composer is not touched: its draft stays as it was.
struct CommandPaletteLayer: Layer {
    var editor = TextEditor(placeholder: "a command's name")
    /// The commands matching the query, best first (all of them, in keymap order, for none).
    var matches: [PaletteItem] = Keymap.paletteItems
    var list = ListState(selected: 0)

    /// The inside of the box, for a screen: as high as the whole list needs, if it fits.
    static func frame(in area: Rect) -> Rect {
        ModalPainter.inner(width: width(in: area), height: height(in: area), in: area)
    }

    static func width(in area: Rect) -> Int { min(area.width - 2, 92) }
    static func height(in area: Rect) -> Int { min(area.height - 2, Keymap.paletteItems.count + 5) }

    /// The rows the commands are listed in: below the field and a blank row, above the hint.
    static func body(in area: Rect) -> Rect {
        let frame = frame(in: area)
        return Rect(x: frame.x + 1, y: frame.y + 2, width: frame.width - 2, height: max(0, frame.height - 3))
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        let height = Self.body(in: Rect(size: context.size)).height
        switch event {
        case .paste(let text):
            editor.insert(String(text.map { $0.isNewline ? " " : $0 }))
            refilter(height: height)
        case .mouse, .resize:
            break
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _), (.character("p"), .control):
                return .close
            case (.up, []):
                list.selectPrevious(count: matches.count)
                list.keepVisible(count: matches.count, height: height)
            case (.down, []):
                list.selectNext(count: matches.count)
                list.keepVisible(count: matches.count, height: height)
            case (.enter, []):
                guard let i = list.selected, matches.indices.contains(i) else { return .consumed }
                context.requests.append(.run(matches[i].command, key: matches[i].key))
                return .close
            case (.enter, _):
                break
            default:
                if case .handled = editor.handle(key, width: 200) { refilter(height: height) }
            }
        }
        return .consumed
    }

    /// Filters the commands by the query again; the best match is chosen.
    private mutating func refilter(height: Int) {
        matches = FuzzyMatch.filter(Keymap.paletteItems, query: editor.text) { $0.entry.help }
        list = ListState(selected: matches.isEmpty ? nil : 0)
        list.keepVisible(count: matches.count, height: height)
    }

    /// A command's row: its help text, then its keys in a column on the right.
    static func row(_ item: PaletteItem, width: Int, keysWidth: Int, theme: Theme) -> Line {
        let helpWidth = max(1, width - keysWidth - 1)
        let help = TextLayout.truncate(Line(item.entry.help, style: theme.style("modal.text")), width: helpWidth)
        let keys = TextLayout.truncate(Line(item.entry.keys, style: theme.style("help.key")), width: keysWidth)
        let pad = String(repeating: " ", count: max(1, helpWidth + 1 - help.width))
        return Line(help.spans + [Span(pad)] + keys.spans)
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let theme = context.theme
        let painter = ModalPainter(theme: theme)
        let frame = painter.modal(
            "Commands", width: Self.width(in: area), height: Self.height(in: area), in: area, buffer: &buffer)
        let field = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: 1)
        buffer.fill(field, with: Cell(" ", style: theme.style("modal.field.focused")))
        var editor = editor
        editor.style = theme.style("modal.field.focused")
        let cursor = editor.render(in: field, buffer: &buffer)
        let body = Self.body(in: area)
        if matches.isEmpty {
            _ = buffer.setString(
                "No command matches.", x: body.x, y: body.y, style: theme.style("modal.hint"), clip: body)
        } else {
            let longest = Keymap.paletteItems.map(\.entry.keys.displayWidth).max() ?? 0
            let keysWidth = min(longest, max(6, body.width / 3))
            let rows = matches.map { Self.row($0, width: body.width, keysWidth: keysWidth, theme: theme) }
            painter.list(rows, state: list, in: body, buffer: &buffer)
        }
        painter.hint("Enter runs · ↑/↓ · Esc closes", frame: frame, buffer: &buffer)
        return cursor
    }
}
