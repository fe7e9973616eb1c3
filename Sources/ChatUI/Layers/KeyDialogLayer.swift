import ChatCore
import TerminalUI

/// The key dialog, open while ``ChatState/keyPrompt`` is set (the app keeps this layer in step
/// with it). Its field holds a secret: drawn masked, never logged.
struct KeyDialogLayer: Layer {
    var field = TextEditor()

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard let prompt = context.chat.keyPrompt else { return .ignored }
        switch event {
        case .paste(let text):
            field.insert(text.filter { !$0.isNewline })
            return .consumed
        case .mouse, .resize:
            return .ignored
        case .key(let key):
            handle(key, prompt: prompt, context: &context)
            return .consumed
        }
    }

    private mutating func handle(_ key: KeyEvent, prompt: KeyPrompt, context: inout LayerContext) {
        switch (key.key, key.modifiers) {
        case (.character("q"), .control):
            context.effects.append(.quit)
            return
        case (.escape, _):
            field.clear()
            context.actions.append(.closeKeyPrompt)
            return
        default:
            break
        }
        if prompt.phase == .verified {
            switch key {
            case .char("s"), .char("S"), KeyEvent(.enter):
                field.clear()
                context.actions.append(.keepKey(save: true))
            case .char("o"), .char("O"):
                field.clear()
                context.actions.append(.keepKey(save: false))
            default:
                break
            }
            return
        }
        if key == KeyEvent(.enter) {
            context.actions.append(.submitKey(field.text))
            return
        }
        guard prompt.phase != .verifying else { return }
        if case .handled = field.handle(key, width: 60), case .failed = prompt.phase {
            context.actions.append(.editKeyAgain)
        }
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        guard let prompt = context.chat.keyPrompt else { return nil }
        return KeyPromptView(prompt: prompt, field: field, now: context.chat.now, theme: context.theme).render(
            in: area, buffer: &buffer)
    }
}
