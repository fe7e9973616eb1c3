import ChatCore
import TerminalUI

/// Renaming a conversation: a one-line field, Enter saves, Esc cancels.
struct RenameLayer: FieldLayer {
    static let multiline = false
    var id: ConversationID
    var editor: TextEditor

    init(id: ConversationID, title: String) {
        self.id = id
        editor = TextEditor(text: title)
        editor.moveToEnd()
    }

    func submit(_ text: String) -> ChatAction { .rename(id, text) }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).field(
            "Rename conversation", editor: editor, rows: 1, hint: "Enter saves · Esc cancels",
            in: area, buffer: &buffer)
    }
}
