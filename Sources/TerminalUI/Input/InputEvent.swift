/// A key on the keyboard.
public enum Key: Hashable, Sendable {
    /// A printable grapheme cluster (letters keep their case; Ctrl+letter is lowercase with
    /// ``KeyModifiers/control``).
    case character(Character)
    case enter, tab, backspace, delete, insert, escape
    case up, down, left, right
    case home, end, pageUp, pageDown
    /// F1 to F12 (and beyond, where terminals send them).
    case function(Int)
}

/// Modifier keys held with a key or mouse event.
public struct KeyModifiers: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let shift = KeyModifiers(rawValue: 1)
    public static let alt = KeyModifiers(rawValue: 2)
    public static let control = KeyModifiers(rawValue: 4)

    /// From an xterm modifier parameter (1 + shift·1 + alt·2 + ctrl·4 + meta·8; meta counts as alt).
    init(xtermParameter p: Int) {
        let bits = max(0, p - 1)
        var m: KeyModifiers = []
        if bits & 1 != 0 { m.insert(.shift) }
        if bits & 2 != 0 || bits & 8 != 0 { m.insert(.alt) }
        if bits & 4 != 0 { m.insert(.control) }
        self = m
    }
}

/// A key press with its modifiers.
public struct KeyEvent: Hashable, Sendable, CustomStringConvertible {
    public var key: Key
    public var modifiers: KeyModifiers

    public init(_ key: Key, _ modifiers: KeyModifiers = []) {
        self.key = key
        self.modifiers = modifiers
    }

    /// A printable character without modifiers.
    public static func char(_ c: Character) -> KeyEvent { KeyEvent(.character(c)) }
    /// Ctrl with a letter or symbol (give the letter in lowercase).
    public static func ctrl(_ c: Character) -> KeyEvent { KeyEvent(.character(c), .control) }
    /// Alt with a character.
    public static func alt(_ c: Character) -> KeyEvent { KeyEvent(.character(c), .alt) }

    /// How the key is written in help texts: `Ctrl+Q`, `Alt+Enter`, `Shift+Tab`, `F1`, `x`.
    public var description: String {
        var parts: [String] = []
        if modifiers.contains(.control) { parts.append("Ctrl") }
        if modifiers.contains(.alt) { parts.append("Alt") }
        if modifiers.contains(.shift) { parts.append("Shift") }
        let name: String
        switch key {
        case .character(" "): name = "Space"
        case .character(let c): name = modifiers.isEmpty ? String(c) : String(c).uppercased()
        case .enter: name = "Enter"
        case .tab: name = "Tab"
        case .backspace: name = "Backspace"
        case .delete: name = "Delete"
        case .insert: name = "Insert"
        case .escape: name = "Esc"
        case .up: name = "Up"
        case .down: name = "Down"
        case .left: name = "Left"
        case .right: name = "Right"
        case .home: name = "Home"
        case .end: name = "End"
        case .pageUp: name = "PgUp"
        case .pageDown: name = "PgDn"
        case .function(let n): name = "F\(n)"
        }
        parts.append(name)
        return parts.joined(separator: "+")
    }
}

/// A mouse button.
public enum MouseButton: Hashable, Sendable {
    case left, middle, right
}

/// A mouse report, at a cell (0-based).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case press(MouseButton)
        case release
        case drag(MouseButton)
        case scrollUp, scrollDown, scrollLeft, scrollRight
    }

    public var kind: Kind
    public var x: Int
    public var y: Int
    public var modifiers: KeyModifiers

    public init(_ kind: Kind, x: Int, y: Int, modifiers: KeyModifiers = []) {
        self.kind = kind
        self.x = x
        self.y = y
        self.modifiers = modifiers
    }
}

/// Something the user did.
public enum InputEvent: Hashable, Sendable {
    case key(KeyEvent)
    /// A bracketed paste, whole: its text is never read as keys. Line ends are `\n`.
    case paste(String)
    case mouse(MouseEvent)
    /// The terminal now has this size.
    case resize(Size)
}
