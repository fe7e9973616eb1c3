import ChatCore
import TerminalUI

/// ↑ from an empty composer: choose a message of the transcript, newest first, and shape the
/// conversation from it. `e` edits a prompt into a new version (the composer takes its text;
/// Enter sends it as a branch), `r` regenerates a reply beside the old one, ←/→ show the other
/// versions of a message (the transcript follows that branch), Enter puts a prompt's text in the
/// composer to send again as a new message, Esc goes back. A panel above the composer shows the
/// chosen message; the transcript is not changed by choosing.
struct MessageSelectLayer: Layer {
    /// The chosen message's index in the transcript; nil: the newest. Kept by index from the
    /// start, so after ←/→ reloads the transcript along another branch the same place (the
    /// switched message's new version) stays chosen.
    var chosen: Int?

    static let hint = "↑↓ choose · e edit · r regenerate · ←/→ versions · Enter reuse · Esc"

    /// The chosen entry's index in `chat`'s transcript.
    func index(in chat: ChatState) -> Int? {
        let count = chat.transcript.count
        guard count > 0 else { return nil }
        return min(chosen ?? count - 1, count - 1)
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else {
            if case .resize = event { return .ignored }
            return .consumed
        }
        guard let i = index(in: context.chat) else { return .close }
        let entry = context.chat.transcript[i]
        switch (key.key, key.modifiers) {
        case (.escape, _):
            return .close
        case (.up, _):
            chosen = max(0, i - 1)
        case (.down, _):
            guard i + 1 < context.chat.transcript.count else { return .close } // past the newest: back to the composer
            chosen = i + 1
        case (.home, _):
            chosen = 0
        case (.end, _):
            chosen = nil
        case (.left, _), (.right, _):
            context.actions.append(.switchVersion(entry: entry.id, offset: key.key == .left ? -1 : 1))
        case (.character("e"), []) where entry.role == .user:
            context.requests.append(.beginEdit(entry: entry.id, text: entry.text))
            return .close
        case (.character("r"), []) where entry.role == .assistant:
            context.actions.append(.regenerate(entry: entry.id))
            return .close
        case (.enter, []) where entry.role == .user:
            context.requests.append(.insert(entry.text))
            return .close
        case (.character, []), (.character, .shift):
            break // a plain letter means nothing here (and is not typed into the composer)
        default:
            return .ignored // F-keys, Ctrl and Alt chords keep their meaning (F5, Ctrl+P, Ctrl+Q…)
        }
        return .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        guard let i = index(in: context.chat) else { return nil }
        let theme = context.theme
        let entry = context.chat.transcript[i]
        let composer = context.layout.composer
        let width = max(10, composer.width)
        let who = entry.role == .user ? "You" : "Claude"
        let version = entry.version.count > 1 ? "  ‹ \(entry.version.label) ›" : ""
        // One row of preview: only what can show is sanitised (a long reply is not, every frame).
        let preview = TextSanitizer.sanitize(String(entry.text.prefix(4 * width)), keepNewlines: false)
        let actions =
            entry.role == .user ? "e edit · Enter reuse" : "r regenerate"
        let lines = [
            Line(
                [
                    Span(" ▶ \(who)", style: theme.style("modal.title")),
                    Span(version, style: theme.style("modal.hint")),
                    Span(
                        "  " + actions + (entry.version.count > 1 ? " · ←/→ versions" : ""),
                        style: theme.style("modal.hint")),
                ]),
            Line(" " + (preview.isEmpty ? "(empty)" : preview), style: theme.style("modal.text")),
            Line(" " + Self.hint, style: theme.style("modal.hint")),
        ].map { TextLayout.truncate($0, width: width) }
        let top = max(area.y, composer.y - lines.count)
        let box = Rect(x: composer.x, y: top, width: width, height: min(lines.count, composer.y - area.y))
        buffer.fill(box, with: Cell(" ", style: theme.style("modal")))
        for (row, line) in lines.prefix(box.height).enumerated() {
            _ = buffer.setLine(line, x: box.x, y: box.y + row, clip: box)
        }
        return nil
    }
}
