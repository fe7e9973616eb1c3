/// Where a scrolling view is: the first row shown, or "follow the bottom".
///
/// Pure value: keep it in the app's state. Every method takes the content and viewport
/// heights, since both change (new text, resize).
public struct ScrollState: Hashable, Sendable {
    /// The first row shown when not following the bottom.
    public var offset: Int
    /// Stay at the bottom as content grows (a chat transcript while the user has not scrolled up).
    public var followsBottom: Bool

    public init(offset: Int = 0, followsBottom: Bool = true) {
        self.offset = offset
        self.followsBottom = followsBottom
    }

    /// The first row shown, given the heights.
    public func resolvedOffset(contentHeight: Int, viewportHeight: Int) -> Int {
        let maxOffset = max(0, contentHeight - viewportHeight)
        return followsBottom ? maxOffset : min(max(0, offset), maxOffset)
    }

    /// True when rows below the viewport are hidden.
    public func hasMoreBelow(contentHeight: Int, viewportHeight: Int) -> Bool {
        resolvedOffset(contentHeight: contentHeight, viewportHeight: viewportHeight) + viewportHeight < contentHeight
    }

    /// Scrolls by `delta` rows (negative: up). Reaching the bottom turns following back on;
    /// scrolling up turns it off.
    public mutating func scroll(by delta: Int, contentHeight: Int, viewportHeight: Int) {
        let maxOffset = max(0, contentHeight - viewportHeight)
        let current = resolvedOffset(contentHeight: contentHeight, viewportHeight: viewportHeight)
        offset = min(max(0, current + delta), maxOffset)
        followsBottom = offset >= maxOffset
    }

    /// Up by a page (the viewport height less one row of overlap).
    public mutating func pageUp(contentHeight: Int, viewportHeight: Int) {
        scroll(by: -max(1, viewportHeight - 1), contentHeight: contentHeight, viewportHeight: viewportHeight)
    }

    /// Down by a page (the viewport height less one row of overlap).
    public mutating func pageDown(contentHeight: Int, viewportHeight: Int) {
        scroll(by: max(1, viewportHeight - 1), contentHeight: contentHeight, viewportHeight: viewportHeight)
    }

    /// To the first row (following stops unless everything fits).
    public mutating func scrollToTop(contentHeight: Int, viewportHeight: Int) {
        offset = 0
        followsBottom = contentHeight <= viewportHeight
    }

    /// To the bottom, following again.
    public mutating func scrollToBottom() {
        followsBottom = true
    }
}

/// A scrolling view of rows of styled text, with a "more below" marker when the last row
/// is not shown.
///
/// The lines are rows as shown: wrap paragraphs with ``TextLayout/wrap(_:width:tabWidth:)``
/// to the width of the area first.
public struct TextView {
    public var lines: [Line]
    public var scroll: ScrollState
    /// Laid under every line, and fills the area.
    public var style: Style
    /// Drawn right-aligned over the last row when rows below are hidden; nil for none.
    public var moreBelowMarker: Line?

    public static let defaultMarker = Line(" ↓ more below ", style: Style(attributes: [.reverse]))

    public init(
        lines: [Line], scroll: ScrollState = ScrollState(), style: Style = .plain,
        moreBelowMarker: Line? = TextView.defaultMarker
    ) {
        self.lines = lines
        self.scroll = scroll
        self.style = style
        self.moreBelowMarker = moreBelowMarker
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.clear(area, style: style)
        let top = scroll.resolvedOffset(contentHeight: lines.count, viewportHeight: area.height)
        for row in 0..<area.height where top + row < lines.count {
            buffer.setLine(lines[top + row], x: area.x, y: area.y + row, clip: area)
        }
        if let marker = moreBelowMarker, scroll.hasMoreBelow(contentHeight: lines.count, viewportHeight: area.height) {
            let shown = TextLayout.truncate(marker, width: area.width)
            let y = area.maxY - 1
            buffer.setLine(shown, x: area.maxX - shown.width, y: y, clip: area)
        }
    }
}
