import TerminalUI

extension ListState {
    /// Scrolls as ``ListView`` does when it draws `count` items in `height` rows: the selection
    /// stays in range and in view. Done when the list changes, so drawing changes nothing.
    mutating func keepVisible(count: Int, height: Int) {
        if let s = selected { selected = count == 0 ? nil : min(max(0, s), count - 1) }
        guard height > 0 else { return }
        if let s = selected {
            if s < offset { offset = s }
            if s >= offset + height { offset = s - height + 1 }
        }
        offset = min(max(0, offset), max(0, count - height))
    }
}
