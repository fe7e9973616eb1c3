import ChatCore
import TerminalUI

/// F3 / Ctrl+O: the models to choose from (the listed ones, else the configured one).
struct ModelPickerLayer: PickerLayer {
    static let kind = PickerKind.model
    var list = ListState()

    /// The models offered: the listed ones, else the configured one.
    static func choices(_ chat: ChatState) -> [String] {
        var ids = chat.models.map(\.id)
        if !ids.contains(chat.model) { ids.insert(chat.model, at: 0) }
        return ids
    }

    static let warning = "The model list could not be loaded; showing the configured model."

    func count(_ chat: ChatState) -> Int { Self.choices(chat).count }

    func body(_ chat: ChatState, size: Size) -> Rect {
        ModalPainter.pickerBody(
            width: 60, count: count(chat), warning: chat.modelListProblem != nil, in: Rect(size: size))
    }

    func choose(_ index: Int, context: inout LayerContext) {
        context.actions.append(.setModel(Self.choices(context.chat)[index]))
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let chat = context.chat
        let items = Self.choices(chat).map {
            Line(($0 == chat.model ? "● " : "  ") + TextSanitizer.sanitize($0, keepNewlines: false))
        }
        ModalPainter(theme: context.theme).picker(
            "Model", width: 60, items: items, list: list,
            warning: chat.modelListProblem == nil ? nil : Self.warning,
            hint: "↑/↓ choose · Enter uses it · Esc cancels", in: area, buffer: &buffer)
        return nil
    }
}
