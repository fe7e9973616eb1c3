import ChatCore
import Foundation
import TerminalUI

/// Renaming a conversation: a one-line field, Enter saves, Esc cancels.
struct RenameLayer: Layer {
    var id: ConversationID
    var editor: TextEditor

    init(id: ConversationID, title: String) {
        self.id = id
        editor = TextEditor(text: title)
        editor.moveToEnd()
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        switch event {
        case .paste(let text):
            editor.insert(text.replacingOccurrences(of: "\n", with: " "))
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _):
                return .close
            case (.enter, []):
                context.actions.append(.rename(id, editor.text))
                return .close
            default:
                _ = editor.handle(key, width: 60)
            }
        case .mouse, .resize:
            break
        }
        return .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).field("Rename conversation", editor: editor, rows: 1, hint: "Enter saves · Esc cancels",
                                                 in: area, buffer: &buffer)
    }
}
