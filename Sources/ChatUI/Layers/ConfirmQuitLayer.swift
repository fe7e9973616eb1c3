import TerminalUI

/// Ctrl+Q while a reply streams: quit anyway?
struct ConfirmQuitLayer: Layer {
    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        if key == .char("y") || key == .char("Y") || key == KeyEvent(.enter) || key == .ctrl("q") {
            context.effects.append(.quit)
            return .close
        }
        return key.isNo ? .close : .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).message(
            "Quit?", ["A reply is still arriving. Quitting stops it; the text so far is kept, marked interrupted."],
            hint: "y / Enter quits · n / Esc stays", in: area, buffer: &buffer)
        return nil
    }
}

extension KeyEvent {
    /// y or Y.
    var isYes: Bool { self == .char("y") || self == .char("Y") }
    /// n, N or Esc.
    var isNo: Bool { self == .char("n") || self == .char("N") || self == KeyEvent(.escape) }
}
