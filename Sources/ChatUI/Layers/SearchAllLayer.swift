import ChatCore
import Foundation
import TerminalUI

/// F5: searching every conversation. Enter searches (the runtime answers with
/// ``ChatApp/apply(_:)`` `.searchResults`), then Enter opens the chosen hit.
struct SearchAllLayer: Layer {
    var editor = TextEditor(placeholder: "words to find in every conversation")
    /// The hits of the search for `searched`.
    var hits: [SearchHit] = []
    var list = ListState()
    var searched = ""

    /// The rows the hits are listed in, for a screen.
    static func body(in area: Rect) -> Rect {
        let frame = ModalPainter.inner(width: min(area.width - 2, 90), height: area.height - 2, in: area)
        return Rect(x: frame.x + 1, y: frame.y + 2, width: frame.width - 2, height: max(0, frame.height - 3))
    }

    /// Takes the results of a search (ignored unless they answer the last one asked).
    mutating func show(_ hits: [SearchHit], for query: String, size: Size) {
        guard query == searched else { return }
        self.hits = hits
        list = ListState(selected: hits.isEmpty ? nil : 0)
        list.keepVisible(count: hits.count, height: Self.body(in: Rect(size: size)).height)
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        switch event {
        case .paste(let text):
            editor.insert(text.replacingOccurrences(of: "\n", with: " "))
            return .consumed
        case .mouse, .resize:
            return .consumed
        case .key(let key):
            let height = Self.body(in: Rect(size: context.size)).height
            switch (key.key, key.modifiers) {
            case (.escape, _):
                return .close
            case (.up, []):
                list.selectPrevious(count: hits.count)
                list.keepVisible(count: hits.count, height: height)
            case (.down, []):
                list.selectNext(count: hits.count)
                list.keepVisible(count: hits.count, height: height)
            case (.enter, []):
                let query = editor.text.trimmingCharacters(in: .whitespaces)
                if query != searched {
                    searched = query
                    if !query.isEmpty { context.chatEffects.append(.searchAll(query)) }
                    return .consumed
                }
                guard let i = list.selected, hits.indices.contains(i) else { return .consumed }
                context.requests.append(.openHit(hits[i], query: query))
                return .close
            default:
                _ = editor.handle(key, width: 60)
            }
            return .consumed
        }
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let theme = context.theme
        let painter = ModalPainter(theme: theme)
        let frame = painter.modal(
            "Search all conversations", width: min(area.width - 2, 90), height: area.height - 2, in: area,
            buffer: &buffer)
        let field = Rect(x: frame.x + 1, y: frame.y, width: frame.width - 2, height: 1)
        buffer.fill(field, with: Cell(" ", style: theme.style("modal.field.focused")))
        var editor = editor
        editor.style = theme.style("modal.field.focused")
        let cursor = editor.render(in: field, buffer: &buffer)
        let body = Rect(x: frame.x + 1, y: frame.y + 2, width: frame.width - 2, height: max(0, frame.height - 3))
        if hits.isEmpty {
            let text =
                searched.isEmpty
                ? "Type words, then Enter."
                : "No message contains “\(TextSanitizer.sanitize(searched, keepNewlines: false))”."
            _ = buffer.setString(text, x: body.x, y: body.y, style: theme.style("modal.hint"), clip: body)
        } else {
            let items = hits.map { hit -> Line in
                let title = TextSanitizer.sanitize(
                    hit.conversationTitle.isEmpty ? "untitled" : hit.conversationTitle, keepNewlines: false)
                let snippet = TextSanitizer.sanitize(hit.snippet, keepNewlines: false)
                return Line([
                    Span(title + " · ", style: theme.style("modal.title")),
                    Span(snippet, style: theme.style("modal.text")),
                ])
            }
            painter.list(items, state: list, in: body, buffer: &buffer)
        }
        painter.hint(
            "Enter searches, then opens the chosen hit · ↑/↓ choose · Esc closes", frame: frame, buffer: &buffer)
        return cursor
    }
}
