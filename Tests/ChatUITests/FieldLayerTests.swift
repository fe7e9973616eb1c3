import ChatCore
import TerminalUI
import Testing

@testable import ChatUI

/// The dialogs around one text field (rename, system prompt) share their keys: what differs is
/// whether the field has lines and what Enter asks of the chat.
@Suite struct FieldLayerTests {
    static let size = Size(width: 80, height: 24)

    private func press<L: FieldLayer>(_ layer: inout L, _ events: [InputEvent]) -> (LayerResult, [ChatAction]) {
        var context = LayerContext(chat: makeChat(), size: Self.size)
        var result = LayerResult.consumed
        for event in events { result = layer.handle(event, context: &context) }
        return (result, context.actions)
    }

    @Test func aOneLineFieldKeepsOneLine() {
        var rename = RenameLayer(id: ConversationID(3), title: "Old")
        let (result, actions) = press(&rename, [.paste(" a\nb"), .key(KeyEvent(.enter, .alt)), .key(.ctrl("j"))])
        #expect(result == .consumed && actions.isEmpty)
        #expect(!rename.editor.text.contains("\n"))
        #expect(rename.editor.text.hasPrefix("Old a b"))
        let (submitted, sent) = press(&rename, [.key(KeyEvent(.enter))])
        #expect(submitted == .close)
        #expect(sent == [.rename(ConversationID(3), rename.editor.text)])
    }

    @Test func aMultiLineFieldTakesNewLinesAndSubmitsThemAll() {
        var prompt = SystemPromptLayer(text: "Be brief.")
        _ = press(&prompt, [.key(KeyEvent(.enter, .alt)), .paste("Use\nlists."), .key(.ctrl("j"))])
        #expect(prompt.editor.text == "Be brief.\nUse\nlists.\n")
        let (result, actions) = press(&prompt, [.key(KeyEvent(.enter))])
        #expect(result == .close)
        #expect(actions == [.setSystemPrompt("Be brief.\nUse\nlists.\n")])
    }

    @Test(arguments: [true, false])
    func escapeCancelsWithoutAsking(_ multiline: Bool) {
        var rename = RenameLayer(id: ConversationID(1), title: "T")
        var prompt = SystemPromptLayer(text: "S")
        let (result, actions) =
            multiline ? press(&prompt, [.key(KeyEvent(.escape))]) : press(&rename, [.key(KeyEvent(.escape))])
        #expect(result == .close && actions.isEmpty)
    }
}
