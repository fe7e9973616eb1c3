import ChatCore
import TerminalUI

/// Deleting a conversation: y deletes, n or Esc keeps it.
struct ConfirmDeleteLayer: Layer {
    var id: ConversationID
    var title: String

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        if key.isYes {
            context.actions.append(.delete(id))
            return .close
        }
        return key.isNo ? .close : .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).message(
            "Delete conversation?",
            [
                "“\(TextSanitizer.sanitize(title, keepNewlines: false))” and all its messages will be deleted. This cannot be undone."
            ],
            hint: "y deletes · n / Esc keeps it", in: area, buffer: &buffer)
        return nil
    }
}
