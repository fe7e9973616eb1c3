import ChatCore
import Foundation
import TerminalUI

/// A filter over the sidebar's titles: a printable key typed while the sidebar has focus starts
/// it (``ChatApp`` opens this layer with that character). Letters, digits and spaces edit it,
/// Backspace takes the last one back (and closes it when it empties), Esc clears it; every
/// other key (↑/↓, Enter, Del, Tab, F-keys) goes on to the sidebar, which shows only the
/// matching conversations (``ChatApp/sidebarConversations``). The filter shows under the
/// sidebar's heading; the layer itself draws nothing.
struct SidebarFilterLayer: Layer {
    var text: String

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        switch event {
        case .paste(let pasted):
            let line = TextSanitizer.sanitize(pasted, keepNewlines: false)
            guard !line.isEmpty else { return .consumed }
            edited(text + line, key: KeyEvent(.home), context: &context)
            return .consumed
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _):
                context.requests.append(.run(.selectFirst, key: KeyEvent(.home)))
                return .close
            case (.backspace, _):
                guard text.count > 1 else {
                    context.requests.append(.run(.selectFirst, key: KeyEvent(.home)))
                    return .close
                }
                edited(String(text.dropLast()), key: key, context: &context)
                return .consumed
            case (.character(let c), []), (.character(let c), .shift):
                edited(text + String(c), key: key, context: &context)
                return .consumed
            default:
                return .ignored
            }
        case .mouse, .resize:
            return .ignored
        }
    }

    /// A new filter text: the sidebar selects its first match.
    private mutating func edited(_ new: String, key: KeyEvent, context: inout LayerContext) {
        text = String(new.prefix(Self.maximumLength))
        context.requests.append(.run(.selectFirst, key: key))
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? { nil }

    /// The longest filter kept.
    static let maximumLength = 80

    /// Whether `conversation` matches `filter`: every word of it appears in the title, ignoring
    /// case and accents.
    static func matches(_ conversation: Conversation, filter: String) -> Bool {
        let title = conversation.title.isEmpty ? "untitled" : conversation.title
        return filter.split(separator: " ").allSatisfy {
            title.range(of: $0, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }
    }
}
