/// One column of one row of the screen.
///
/// A wide character (two columns) is stored in its first cell; the second cell is a
/// continuation placeholder that backends skip.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster shown; a space for a blank cell and for a continuation.
    public var character: Character
    public var style: Style
    /// Columns the character takes: 1 or 2, or 0 for the continuation of a wide character.
    public var width: UInt8

    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
        self.width = UInt8(max(1, min(2, DisplayWidth.of(character))))
    }

    init(character: Character, style: Style, width: UInt8) {
        self.character = character
        self.style = style
        self.width = width
    }

    /// A blank cell with no style.
    public static let blank = Cell()

    /// The placeholder in the second column of a wide character.
    public static func continuation(style: Style) -> Cell { Cell(character: " ", style: style, width: 0) }

    /// True for the second column of a wide character.
    public var isContinuation: Bool { width == 0 }
}
