import ChatCore
import Foundation
import TerminalUI

/// Draws the dialog on top of the screen: help, confirmations, text fields, the model picker.
struct OverlayView {
    var overlay: Overlay
    var chat: ChatState
    var theme: Theme

    /// The help text as rows, for a width.
    static func helpLines(width: Int, theme: Theme) -> [Line] {
        let keyWidth = min(26, max(12, width / 2 - 2))
        var lines: [Line] = []
        for section in KeyBindings.sections {
            if !lines.isEmpty { lines.append(Line()) }
            lines.append(Line(section.title, style: theme.style("help.section")))
            for binding in section.bindings {
                let keys = TextLayout.truncate(Line(binding.keys, style: theme.style("help.key")), width: keyWidth)
                let pad = String(repeating: " ", count: max(1, keyWidth + 1 - keys.width))
                let wrapped = TextLayout.wrap(binding.action, style: theme.style("help.text"), width: max(8, width - keyWidth - 1))
                for (i, row) in wrapped.enumerated() {
                    let lead = i == 0 ? keys.spans + [Span(pad)] : [Span(String(repeating: " ", count: keyWidth + 1))]
                    lines.append(Line(lead + row.spans))
                }
            }
        }
        return lines
    }

    /// Draws the overlay; returns where the cursor goes (in a text field), if anywhere.
    func render(in area: Rect, buffer: inout Buffer) -> Position? {
        switch overlay {
        case .help(let offset):
            let frame = modal("Keys", width: min(area.width - 2, 84), height: area.height - 2, in: area, buffer: &buffer)
            let body = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: frame.height - 1)
            let lines = Self.helpLines(width: body.width, theme: theme)
            let start = min(offset, max(0, lines.count - body.height))
            for (i, line) in lines.dropFirst(start).prefix(body.height).enumerated() {
                _ = buffer.setLine(line, x: body.x, y: body.y + i, clip: body)
            }
            hint(lines.count > body.height ? "PgUp/PgDn scroll · Esc closes" : "Esc or F1 closes", frame: frame, buffer: &buffer)
            return nil
        case .confirmQuit:
            message("Quit?", ["A reply is still arriving. Quitting stops it; the text so far is kept, marked interrupted."],
                    hint: "y / Enter quits · n / Esc stays", in: area, buffer: &buffer)
            return nil
        case .confirmDelete(_, let title):
            message("Delete conversation?", ["“\(TextSanitizer.sanitize(title, keepNewlines: false))” and all its messages will be deleted. This cannot be undone."],
                    hint: "y deletes · n / Esc keeps it", in: area, buffer: &buffer)
            return nil
        case .confirmPaste(let text):
            let lines = text.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            message("Large paste", ["You pasted \(text.count) characters on \(lines) lines. Insert it all into the composer?"],
                    hint: "y / Enter inserts · n / Esc drops the paste", in: area, buffer: &buffer)
            return nil
        case .rename(_, var editor):
            return field("Rename conversation", editor: &editor, rows: 1, hint: "Enter saves · Esc cancels", in: area, buffer: &buffer)
        case .systemPrompt(var editor):
            return field("System prompt", editor: &editor, rows: max(3, min(10, area.height - 8)),
                         hint: "Enter saves · Alt+Enter newline · empty removes it · Esc cancels", in: area, buffer: &buffer)
        case .modelPicker(var list):
            let models = ChatApp.modelChoices(chat)
            let warning = chat.modelListProblem == nil ? nil : "The model list could not be loaded; showing the configured model."
            picker("Model", width: 60, items: models.map { Line(($0 == chat.model ? "● " : "  ") + TextSanitizer.sanitize($0, keepNewlines: false)) },
                   list: &list, warning: warning, hint: "↑/↓ choose · Enter uses it · Esc cancels", in: area, buffer: &buffer)
            return nil
        case .copyPicker(var list, let items):
            picker("Copy to the clipboard", width: 80, items: items.map { Line($0.label) }, list: &list,
                   hint: "↑/↓ choose · Enter copies (OSC 52) · Esc cancels", in: area, buffer: &buffer)
            return nil
        case .exportChoice:
            message("Export this conversation", ["Markdown (m, or Enter) for reading, or JSON (j) for `palaver sessions import`. The file goes to the folder palaver was started in."],
                    hint: "m Markdown · j JSON · Esc cancels", in: area, buffer: &buffer)
            return nil
        case .searchAll(var editor, let hits, var list, let searched):
            let frame = modal("Search all conversations", width: min(area.width - 2, 90), height: area.height - 2, in: area, buffer: &buffer)
            let field = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: 1)
            buffer.fill(field, with: Cell(" ", style: theme.style("modal.field.focused")))
            editor.style = theme.style("modal.field.focused")
            let cursor = editor.render(in: field, buffer: &buffer)
            let body = Rect(x: frame.x + 1, y: frame.y + 2, width: frame.width - 2, height: max(0, frame.height - 3))
            if hits.isEmpty {
                let text = searched.isEmpty ? "Type words, then Enter." : "No message contains “\(TextSanitizer.sanitize(searched, keepNewlines: false))”."
                _ = buffer.setString(text, x: body.x, y: body.y, style: theme.style("modal.hint"), clip: body)
            } else {
                let items = hits.map { hit -> Line in
                    let title = TextSanitizer.sanitize(hit.conversationTitle.isEmpty ? "untitled" : hit.conversationTitle, keepNewlines: false)
                    let snippet = TextSanitizer.sanitize(hit.snippet, keepNewlines: false)
                    return Line([Span(title + " · ", style: theme.style("modal.title")), Span(snippet, style: theme.style("modal.text"))])
                }
                ListView(items: items, style: theme.style("modal.text"), selectedStyle: theme.style("modal.button.selected"))
                    .render(in: body, buffer: &buffer, state: &list)
            }
            hint("Enter searches, then opens the chosen hit · ↑/↓ choose · Esc closes", frame: frame, buffer: &buffer)
            return cursor
        case .themePicker(var list, let names):
            picker("Theme", width: 44, items: names.map { Line("  " + TextSanitizer.sanitize($0, keepNewlines: false)) }, list: &list,
                   hint: "↑/↓ choose · Enter uses it · Esc cancels", in: area, buffer: &buffer)
            return nil
        }
    }

    // MARK: Pieces

    /// A list to choose from in a box, with an optional warning above it.
    private func picker(_ title: String, width: Int, items: [Line], list: inout ListState, warning: String? = nil, hint text: String,
                        in area: Rect, buffer: inout Buffer) {
        let height = min(area.height - 2, items.count + 4 + (warning == nil ? 0 : 2))
        let frame = modal(title, width: min(area.width - 2, width), height: height, in: area, buffer: &buffer)
        var body = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: frame.height - 1)
        if let warning {
            _ = buffer.setString(warning, x: body.x, y: body.y, style: theme.style("modal.warning"), clip: body)
            body = body.inset(top: 2)
        }
        ListView(items: items, style: theme.style("modal.text"), selectedStyle: theme.style("modal.button.selected"))
            .render(in: body, buffer: &buffer, state: &list)
        hint(text, frame: frame, buffer: &buffer)
    }

    private func modal(_ title: String, width: Int, height: Int, in area: Rect, buffer: inout Buffer) -> Rect {
        let frame = ModalFrame(title: Line(title, style: theme.style("modal.title")), width: max(10, width), height: max(4, height),
                               style: theme.style("modal"), borderStyle: theme.style("modal.border"), titleStyle: theme.style("modal.title"))
        return frame.render(in: area, buffer: &buffer)
    }

    private func hint(_ text: String, frame: Rect, buffer: inout Buffer) {
        let line = TextLayout.truncate(Line(text, style: theme.style("modal.hint")), width: frame.width - 2)
        _ = buffer.setLine(line, x: frame.x + 1, y: frame.maxY - 1, clip: frame)
    }

    private func message(_ title: String, _ paragraphs: [String], hint text: String, in area: Rect, buffer: inout Buffer) {
        let width = min(area.width - 2, 64)
        let lines = paragraphs.flatMap { TextLayout.wrap($0, style: theme.style("modal.text"), width: max(8, width - 4)) }
        let frame = modal(title, width: width, height: lines.count + 4, in: area, buffer: &buffer)
        let body = Rect(x: frame.x + 1, y: frame.y + 1, width: frame.width - 2, height: frame.height - 2)
        for (i, line) in lines.enumerated() { _ = buffer.setLine(line, x: body.x, y: body.y + i, clip: body) }
        hint(text, frame: frame, buffer: &buffer)
    }

    private func field(_ title: String, editor: inout TextEditor, rows: Int, hint text: String, in area: Rect, buffer: inout Buffer) -> Position? {
        let width = min(area.width - 2, 70)
        let frame = modal(title, width: width, height: rows + 4, in: area, buffer: &buffer)
        let box = Rect(x: frame.x + 2, y: frame.y + 1, width: frame.width - 4, height: rows)
        buffer.fill(box, with: Cell(" ", style: theme.style("modal.field.focused")))
        editor.style = theme.style("modal.field.focused")
        let cursor = editor.render(in: box, buffer: &buffer)
        hint(text, frame: frame, buffer: &buffer)
        return cursor
    }
}
