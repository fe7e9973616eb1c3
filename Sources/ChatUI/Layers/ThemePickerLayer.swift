import ChatCore
import TerminalUI

/// F6: the catalog's colour themes. Moving through the list shows each theme at once
/// (``UIEffect/previewTheme(_:)``); Enter keeps the one shown (``UIEffect/loadTheme(_:)``, which
/// writes it to config.toml); Esc goes back to the theme from before.
struct ThemePickerLayer: PickerLayer {
    static let kind = PickerKind.theme
    var names: [String]
    var list = ListState()
    /// The theme shown when the picker opened, restored by Esc.
    var original: String?

    func count(_ chat: ChatState) -> Int { names.count }

    func body(_ chat: ChatState, size: Size) -> Rect {
        ModalPainter.pickerBody(width: 44, count: names.count, warning: false, in: Rect(size: size))
    }

    func choose(_ index: Int, context: inout LayerContext) {
        context.effects.append(.loadTheme(names[index]))
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        let count = names.count
        let height = body(context.chat, size: context.size).height
        switch key.key {
        case .escape:
            if let original, previewed != original { context.effects.append(.previewTheme(original)) }
            return .close
        case .up, .down:
            if key.key == .up { list.selectPrevious(count: count) } else { list.selectNext(count: count) }
            list.keepVisible(count: count, height: height)
            if let name = previewed { context.effects.append(.previewTheme(name)) }
        case .enter:
            if let i = list.selected, names.indices.contains(i) { choose(i, context: &context) }
            return .close
        default:
            break
        }
        return .consumed
    }

    /// The theme under the selection.
    var previewed: String? { list.selected.flatMap { names.indices.contains($0) ? names[$0] : nil } }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).picker(
            "Theme", width: 44, items: names.map { Line("  " + TextSanitizer.sanitize($0, keepNewlines: false)) },
            list: list, hint: "↑/↓ shows it · Enter keeps it · Esc goes back", in: area, buffer: &buffer)
        return nil
    }
}
