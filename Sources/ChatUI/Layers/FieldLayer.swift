import ChatCore
import Foundation
import TerminalUI

/// A dialog around one text field: typing edits it, Enter submits it (the layer closes), Esc
/// cancels. A multi-line field takes Alt+Enter and Ctrl+J as new lines; a one-line field turns
/// pasted line breaks into spaces. Renaming and the system prompt are field layers.
protocol FieldLayer: Layer {
    var editor: TextEditor { get set }
    /// Whether the field holds several lines.
    static var multiline: Bool { get }
    /// What submitting `text` asks of the chat.
    func submit(_ text: String) -> ChatAction
}

extension FieldLayer {
    /// The width the field's editing keys (up/down by line) work at.
    static var editingWidth: Int { 60 }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        switch event {
        case .paste(let text):
            editor.insert(Self.multiline ? text : text.replacingOccurrences(of: "\n", with: " "))
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _):
                return .close
            case (.enter, []):
                context.actions.append(submit(editor.text))
                return .close
            case (.enter, .alt), (.character("j"), .control):
                // A new line where the field has lines; elsewhere the editor's own handling, as any key.
                if Self.multiline { editor.insertNewline() } else { _ = editor.handle(key, width: Self.editingWidth) }
            default:
                _ = editor.handle(key, width: Self.editingWidth)
            }
        case .mouse, .resize:
            break
        }
        return .consumed
    }
}
