import ChatCore
import TerminalUI

/// F6: the catalog's colour themes; choosing one loads it (``UIEffect/loadTheme(_:)``).
struct ThemePickerLayer: PickerLayer {
    static let kind = PickerKind.theme
    var names: [String]
    var list = ListState()

    func count(_ chat: ChatState) -> Int { names.count }

    func body(_ chat: ChatState, size: Size) -> Rect {
        ModalPainter.pickerBody(width: 44, count: names.count, warning: false, in: Rect(size: size))
    }

    func choose(_ index: Int, context: inout LayerContext) {
        context.effects.append(.loadTheme(names[index]))
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).picker(
            "Theme", width: 44, items: names.map { Line("  " + TextSanitizer.sanitize($0, keepNewlines: false)) },
            list: list, hint: "↑/↓ choose · Enter uses it · Esc cancels", in: area, buffer: &buffer)
        return nil
    }
}
