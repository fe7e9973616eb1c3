import ChatCore
import TerminalUI

/// F9: Markdown or JSON?
struct ExportChoiceLayer: Layer {
    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        switch key {
        case .char("m"), .char("M"), KeyEvent(.enter):
            context.requests.append(.export(.markdown))
            return .close
        case .char("j"), .char("J"):
            context.requests.append(.export(.json))
            return .close
        case KeyEvent(.escape):
            return .close
        default:
            return .consumed
        }
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).message(
            "Export this conversation",
            [
                "Markdown (m, or Enter) for reading, or JSON (j) for `palaver sessions import`. The file goes to the folder palaver was started in."
            ],
            hint: "m Markdown · j JSON · Esc cancels", in: area, buffer: &buffer)
        return nil
    }
}
