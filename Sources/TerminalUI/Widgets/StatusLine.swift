/// A one-row bar with segments on the left and on the right.
///
/// The right segments keep their place; the left ones are cut with an ellipsis (by display
/// width) when both do not fit. When the right segments alone are too wide, they are cut.
public struct StatusLine {
    public var left: [Span]
    public var right: [Span]
    /// Fills the row; the spans' own styles are laid over it.
    public var style: Style
    /// Columns kept free between left and right.
    public var gap: Int

    public init(left: [Span] = [], right: [Span] = [], style: Style = .plain, gap: Int = 1) {
        self.left = left
        self.right = right
        self.style = style
        self.gap = gap
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.clear(row, style: style)
        let rightLine = Line(right)
        let rightWidth = rightLine.width
        if rightWidth >= row.width {
            buffer.setLine(TextLayout.truncate(rightLine, width: row.width), x: row.x, y: row.y, clip: row)
            return
        }
        if rightWidth > 0 { buffer.setLine(rightLine, x: row.maxX - rightWidth, y: row.y, clip: row) }
        let room = row.width - rightWidth - (rightWidth > 0 ? gap : 0)
        guard room > 0 else { return }
        buffer.setLine(
            TextLayout.truncate(Line(left), width: room), x: row.x, y: row.y,
            clip: Rect(x: row.x, y: row.y, width: room, height: 1))
    }
}
