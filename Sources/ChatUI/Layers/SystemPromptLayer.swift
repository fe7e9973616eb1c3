import ChatCore
import TerminalUI

/// The open conversation's system prompt: a multi-line field, Enter saves (empty removes it).
struct SystemPromptLayer: FieldLayer {
    static let multiline = true
    var editor: TextEditor

    init(text: String) {
        editor = TextEditor(text: text, placeholder: "How Claude should behave in this conversation")
        editor.moveToEnd()
    }

    func submit(_ text: String) -> ChatAction { .setSystemPrompt(text) }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).field(
            "System prompt", editor: editor, rows: max(3, min(10, area.height - 8)),
            hint: "Enter saves · Alt+Enter newline · empty removes it · Esc cancels",
            in: area, buffer: &buffer)
    }
}
