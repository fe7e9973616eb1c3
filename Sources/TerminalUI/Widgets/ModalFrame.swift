/// The characters of a box border.
public struct BorderSet: Hashable, Sendable {
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var horizontal: Character
    public var vertical: Character

    public init(
        topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character, horizontal: Character,
        vertical: Character
    ) {
        self.topLeft = topLeft
        self.topRight = topRight
        self.bottomLeft = bottomLeft
        self.bottomRight = bottomRight
        self.horizontal = horizontal
        self.vertical = vertical
    }

    public static let plain = BorderSet(
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│")
    public static let rounded = BorderSet(
        topLeft: "╭", topRight: "╮", bottomLeft: "╰", bottomRight: "╯", horizontal: "─", vertical: "│")
    public static let double = BorderSet(
        topLeft: "╔", topRight: "╗", bottomLeft: "╚", bottomRight: "╝", horizontal: "═", vertical: "║")
    public static let thick = BorderSet(
        topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛", horizontal: "━", vertical: "┃")
    public static let ascii = BorderSet(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|")
}

extension Buffer {
    /// Draws a border on the edges of `rect` (nothing when it is smaller than 2×2); parts
    /// outside the buffer are left out.
    public mutating func drawBorder(_ rect: Rect, set: BorderSet = .plain, style: Style = .plain) {
        drawClippedBorder(rect, set: set, style: style)
    }

    private mutating func drawClippedBorder(_ rect: Rect, set: BorderSet, style: Style) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let h = String(set.horizontal)
        let v = String(set.vertical)
        for x in (rect.minX + 1)..<(rect.maxX - 1) {
            setString(h, x: x, y: rect.minY, style: style)
            setString(h, x: x, y: rect.maxY - 1, style: style)
        }
        for y in (rect.minY + 1)..<(rect.maxY - 1) {
            setString(v, x: rect.minX, y: y, style: style)
            setString(v, x: rect.maxX - 1, y: y, style: style)
        }
        setString(String(set.topLeft), x: rect.minX, y: rect.minY, style: style)
        setString(String(set.topRight), x: rect.maxX - 1, y: rect.minY, style: style)
        setString(String(set.bottomLeft), x: rect.minX, y: rect.maxY - 1, style: style)
        setString(String(set.bottomRight), x: rect.maxX - 1, y: rect.maxY - 1, style: style)
    }
}

/// A centred box with a border and a title, drawn over whatever is below (a dialog).
///
/// On a terminal smaller than the box, the box shrinks to the area; the title is cut with an
/// ellipsis. Render it after the screen below it, then draw the dialog's content in the
/// returned inner rectangle.
public struct ModalFrame {
    public var title: Line?
    /// The wanted outer size, border included.
    public var width: Int
    public var height: Int
    public var border: BorderSet
    /// Fills the box.
    public var style: Style
    public var borderStyle: Style
    public var titleStyle: Style

    public init(
        title: Line? = nil, width: Int, height: Int, border: BorderSet = .rounded, style: Style = .plain,
        borderStyle: Style = .plain, titleStyle: Style = Style(attributes: [.bold])
    ) {
        self.title = title
        self.width = width
        self.height = height
        self.border = border
        self.style = style
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
    }

    /// The box this frame takes inside `area`.
    public func frame(in area: Rect) -> Rect { area.centered(width: width, height: height) }

    /// Draws the box; returns the inner rectangle for the content (empty when no room).
    @discardableResult
    public func render(in area: Rect, buffer: inout Buffer) -> Rect {
        let box = frame(in: area)
        guard !box.isEmpty else { return .zero }
        buffer.clear(box, style: style)
        guard box.width >= 2, box.height >= 2 else { return .zero }
        buffer.drawBorder(box, set: border, style: borderStyle)
        if let title, box.width > 4 {
            let shown = TextLayout.truncate(Line([Span(" ")] + title.spans + [Span(" ")]), width: box.width - 2)
            buffer.setLine(shown.styled(titleStyle), x: box.x + 1, y: box.y, clip: box)
        }
        return box.inset(by: 1)
    }
}
