import TerminalUI

/// A paste too large to insert without asking.
struct ConfirmPasteLayer: Layer {
    var text: String

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        if key.isYes || key == KeyEvent(.enter) {
            context.requests.append(.insert(text))
            return .close
        }
        return key.isNo ? .close : .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let lines = text.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        ModalPainter(theme: context.theme).message(
            "Large paste", ["You pasted \(text.count) characters on \(lines) lines. Insert it all into the composer?"],
            hint: "y / Enter inserts · n / Esc drops the paste", in: area, buffer: &buffer)
        return nil
    }
}
