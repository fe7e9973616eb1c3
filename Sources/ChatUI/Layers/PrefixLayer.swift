import ChatCore
import TerminalUI

/// Ctrl+X was pressed in the composer: the next key completes the command, as in bash and zsh.
/// Ctrl+E (or E) edits the draft in `$VISUAL` / `$EDITOR`, Ctrl+U (or U) undoes; Esc or Ctrl+G
/// cancels; any other key cancels and says which keys go with Ctrl+X. The composer's border
/// shows what is waiting.
struct PrefixLayer: Layer {
    static let hint = "Ctrl+X … Ctrl+E edit in $EDITOR · Ctrl+U undo · Esc cancels"

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .ignored }
        switch (key.key, key.modifiers) {
        case (.character("e"), .control), (.character("e"), []), (.character("E"), .shift), (.character("E"), []):
            context.requests.append(.run(.editInEditor, key: key))
        case (.character("u"), .control), (.character("u"), []), (.character("U"), .shift), (.character("U"), []):
            context.requests.append(.run(.undo, key: key))
        case (.escape, _), (.character("g"), .control):
            break
        default:
            context.actions.append(
                .notify("Ctrl+X then Ctrl+E edits the draft in $EDITOR; Ctrl+X Ctrl+U undoes.", error: false))
        }
        return .close
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let border = context.layout.composerBorder
        buffer.fill(border, with: Cell("─", style: context.theme.style("composer.border.focused")))
        let line = TextLayout.truncate(
            Line(" " + Self.hint + " ", style: context.theme.style("composer.hint").bold),
            width: max(0, border.width - 2))
        _ = buffer.setLine(line, x: border.maxX - line.width - 1, y: border.y, clip: border)
        return nil
    }
}
