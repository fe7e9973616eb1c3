import ChatCore
import TerminalUI

/// A list to choose from in a dialog: ↑/↓ move, Enter chooses, Esc cancels. The model, theme
/// and copy pickers are pickers; their ``ListState`` is kept when they close, so one reopens
/// scrolled where it was (``UIState/pickerLists``).
protocol PickerLayer: Layer {
    /// Which picker, for keeping its list between openings.
    static var kind: PickerKind { get }
    var list: ListState { get set }
    /// How many items there are now.
    func count(_ chat: ChatState) -> Int
    /// Where the list is drawn on a screen of `size`.
    func body(_ chat: ChatState, size: Size) -> Rect
    /// The item at `index` was chosen.
    func choose(_ index: Int, context: inout LayerContext)
}

/// The pickers whose lists are kept.
enum PickerKind: Hashable {
    case model
    case theme
    case copy
}

extension PickerLayer {
    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard case .key(let key) = event else { return .consumed }
        let count = count(context.chat)
        let height = body(context.chat, size: context.size).height
        switch key.key {
        case .escape:
            return .close
        case .up:
            list.selectPrevious(count: count)
            list.keepVisible(count: count, height: height)
        case .down:
            list.selectNext(count: count)
            list.keepVisible(count: count, height: height)
        case .enter:
            if let i = list.selected, (0..<count).contains(i) { choose(i, context: &context) }
            return .close
        default:
            break
        }
        return .consumed
    }

    /// Opens on `selected`, scrolled as it was last time when that still shows it.
    mutating func open(selected: Int?, kept: ListState?, chat: ChatState, size: Size) {
        list = kept ?? ListState()
        list.selected = selected
        list.keepVisible(count: count(chat), height: body(chat, size: size).height)
    }
}
