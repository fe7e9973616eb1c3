/// The selection and scroll position of a ``ListView``.
public struct ListState: Hashable, Sendable {
    /// The selected item, if any.
    public var selected: Int?
    /// The first item shown; ``ListView/render(in:buffer:state:)`` keeps the selection visible.
    public var offset: Int

    public init(selected: Int? = nil, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Selects the next item (stays on the last); selects the first when nothing is selected.
    public mutating func selectNext(count: Int) {
        guard count > 0 else {
            selected = nil
            return
        }
        selected = min(count - 1, (selected ?? -1) + 1)
    }

    /// Selects the previous item (stays on the first).
    public mutating func selectPrevious(count: Int) {
        guard count > 0 else {
            selected = nil
            return
        }
        selected = max(0, (selected ?? 1) - 1)
    }
}

/// A vertical list of one-line items with a highlighted selection.
public struct ListView {
    public var items: [Line]
    public var style: Style
    /// Laid over the selected row (the whole row width).
    public var selectedStyle: Style
    /// Drawn before the selected item; other items get as many spaces.
    public var highlightSymbol: String

    public init(
        items: [Line], style: Style = .plain, selectedStyle: Style = Style(attributes: [.reverse]),
        highlightSymbol: String = ""
    ) {
        self.items = items
        self.style = style
        self.selectedStyle = selectedStyle
        self.highlightSymbol = highlightSymbol
    }

    /// Draws the items, adjusting `state.offset` so the selection is visible.
    public func render(in area: Rect, buffer: inout Buffer, state: inout ListState) {
        guard !area.isEmpty else { return }
        buffer.clear(area, style: style)
        if let s = state.selected { state.selected = items.isEmpty ? nil : min(max(0, s), items.count - 1) }
        if let s = state.selected {
            if s < state.offset { state.offset = s }
            if s >= state.offset + area.height { state.offset = s - area.height + 1 }
        }
        state.offset = min(max(0, state.offset), max(0, items.count - area.height))
        let symbolWidth = highlightSymbol.displayWidth
        for row in 0..<area.height {
            let index = state.offset + row
            guard index < items.count else { break }
            let y = area.y + row
            let isSelected = index == state.selected
            var x = area.x
            if symbolWidth > 0 {
                x += buffer.setString(
                    isSelected ? highlightSymbol : String(repeating: " ", count: symbolWidth), x: x, y: y, clip: area)
            }
            let room = area.maxX - x
            buffer.setLine(TextLayout.truncate(items[index], width: room), x: x, y: y, clip: area)
            if isSelected { buffer.setStyle(selectedStyle, in: area.row(row)) }
        }
    }
}
