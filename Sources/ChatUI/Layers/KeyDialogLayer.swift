import ChatCore
import TerminalUI

/// The key dialog, open while ``ChatState/keyPrompt`` is set (the app keeps this layer in step
/// with it). Its field holds a secret: drawn masked, never logged.
struct KeyDialogLayer: Layer {
    var field = TextEditor()
    /// The one-key fix is on offer: after a paste or an Enter on a value palaver knows how to
    /// repair (quotes, `Bearer `, `export NAME=`), `f` removes the wrapping and checks the key.
    /// Any edit withdraws the offer, so `f` types as usual again.
    var offersFix = false

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard let prompt = context.chat.keyPrompt else { return .ignored }
        switch event {
        case .paste(let text):
            field.insert(text.filter { !$0.isNewline })
            offersFix = KeyPrompt.fix(forTyped: field.text) != nil
            if case .failed = prompt.phase { context.actions.append(.editKeyAgain) }
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
            offersFix = false
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
            offersFix = KeyPrompt.fix(forTyped: field.text) != nil
            context.actions.append(.submitKey(field.text))
            return
        }
        guard prompt.phase != .verifying else { return }
        if offersFix, key == .char("f") || key == .char("F"), let fix = KeyPrompt.fix(forTyped: field.text) {
            offersFix = false
            field.clear()
            field.insert(fix.key)
            context.actions.append(.submitKey(fix.key))
            return
        }
        guard case .handled = field.handle(key, width: 60) else { return }
        offersFix = false
        switch prompt.phase {
        case .failed, .refusedLocally: context.actions.append(.editKeyAgain)
        default: break
        }
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        guard let prompt = context.chat.keyPrompt else { return nil }
        return KeyPromptView(
            prompt: prompt, field: field, offersFix: offersFix, now: context.chat.now, theme: context.theme
        ).render(in: area, buffer: &buffer)
    }
}
