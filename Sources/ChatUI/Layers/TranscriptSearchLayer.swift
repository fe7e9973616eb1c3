import Foundation
import TerminalUI

/// One place the search text occurs in the laid-out transcript.
public struct SearchMatch: Equatable, Sendable {
    /// The transcript entry (its index) and the row within its rows.
    public var entry: Int
    public var row: Int
    /// Display columns from the row's start, and the match's width.
    public var column: Int
    public var width: Int
}

/// Searching the open conversation: the query field, its matches top to bottom, the one shown.
public struct TranscriptSearch: Equatable {
    public var editor = TextEditor()
    public var matches: [SearchMatch] = []
    public var current: Int?
    /// The width the matches were found at (they move when the width changes).
    var width = 0
    var entryCount = 0
}

/// / or Ctrl+F: the search field over the composer's top line. The matches are found by the
/// chat screen (``ChatApp/updateSearch(keepCurrent:)``), which lays the transcript out; keys the
/// field does not use (Ctrl+Q, Ctrl+C, function keys, paging) and the mouse go to the screen.
struct TranscriptSearchLayer: Layer {
    var search = TranscriptSearch()

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        switch event {
        case .paste(let text):
            search.editor.insert(text.replacingOccurrences(of: "\n", with: " "))
            context.requests.append(.searchEdited)
            return .consumed
        case .mouse, .resize:
            return .ignored
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _):
                return .close
            case (.enter, []), (.up, []):
                context.requests.append(.stepSearch(-1))
            case (.down, []):
                context.requests.append(.stepSearch(1))
            case (.character("q"), .control), (.character("c"), .control), (.function, _), (.pageUp, _), (.pageDown, _):
                return .ignored
            default:
                if case .handled = search.editor.handle(key, width: 200) { context.requests.append(.searchEdited) }
            }
            return .consumed
        }
    }

    /// The field over the composer's top line: the query, the match count, the keys.
    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let theme = context.theme
        let area = context.layout.composerBorder
        buffer.fill(area, with: Cell(" ", style: theme.style("modal.field.focused")))
        let query = TextSanitizer.sanitize(search.editor.text, keepNewlines: false)
        let count =
            search.editor.text.isEmpty
            ? ""
            : search.matches.isEmpty
                ? "no matches"
                : "\((search.current ?? 0) + 1) of \(search.matches.count)"
        let label = " Find: "
        let x = area.x + buffer.setString(label, x: area.x, y: area.y, style: theme.style("modal.title"), clip: area)
        let shown = TextLayout.truncate(
            Line(query, style: theme.style("modal.field.focused")), width: max(1, area.width / 2))
        _ = buffer.setLine(shown, x: x, y: area.y, clip: area)
        let hint = TextLayout.truncate(
            Line(" \(count) · Enter/↑ older · ↓ newer · Esc closes ", style: theme.style("modal.hint")),
            width: max(0, area.maxX - x - shown.width - 2))
        _ = buffer.setLine(hint, x: area.maxX - hint.width, y: area.y, clip: area)
        return Position(x: min(area.maxX - 1, x + shown.width), y: area.y)
    }
}
