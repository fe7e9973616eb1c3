import ChatCore
import TerminalUI

/// The open conversation's system prompt: a multi-line field, Enter saves (empty removes it).
struct SystemPromptLayer: Layer {
    var editor: TextEditor

    init(text: String) {
        editor = TextEditor(text: text, placeholder: "How Claude should behave in this conversation")
        editor.moveToEnd()
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        switch event {
        case .paste(let text):
            editor.insert(text)
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _):
                return .close
            case (.enter, []):
                context.actions.append(.setSystemPrompt(editor.text))
                return .close
            case (.enter, .alt), (.character("j"), .control):
                editor.insertNewline()
            default:
                _ = editor.handle(key, width: 60)
            }
        case .mouse, .resize:
            break
        }
        return .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).field("System prompt", editor: editor, rows: max(3, min(10, area.height - 8)),
                                                 hint: "Enter saves · Alt+Enter newline · empty removes it · Esc cancels",
                                                 in: area, buffer: &buffer)
    }
}
