import ChatCore
import TerminalUI

/// Something that can be copied, as the copy picker lists it.
public struct CopyItem: Equatable, Sendable {
    public var label: String
    public var text: String
    /// What it is, for the status message: "the reply", "the code block", "your message".
    public var what: String
}

/// F7: replies, prompts and code blocks to copy, newest first.
struct CopyPickerLayer: PickerLayer {
    static let kind = PickerKind.copy
    var items: [CopyItem]
    var list = ListState()

    func count(_ chat: ChatState) -> Int { items.count }

    func body(_ chat: ChatState, size: Size) -> Rect {
        ModalPainter.pickerBody(width: 80, count: items.count, warning: false, in: Rect(size: size))
    }

    func choose(_ index: Int, context: inout LayerContext) {
        context.requests.append(.copy(items[index].text, what: items[index].what))
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        ModalPainter(theme: context.theme).picker(
            "Copy to the clipboard", width: 80, items: items.map { Line($0.label) }, list: list,
            hint: "↑/↓ choose · Enter copies (OSC 52) · Esc cancels", in: area, buffer: &buffer)
        return nil
    }
}
