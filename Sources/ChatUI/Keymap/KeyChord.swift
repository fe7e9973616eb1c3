import TerminalUI

/// A key with its modifiers, as a binding matches it (nil modifiers: with any modifiers).
public struct KeyChord: Hashable, Sendable {
    public var key: Key
    public var modifiers: KeyModifiers?

    public init(_ key: Key, _ modifiers: KeyModifiers? = []) {
        self.key = key
        self.modifiers = modifiers
    }

    public static func char(_ c: Character) -> KeyChord { KeyChord(.character(c)) }
    public static func ctrl(_ c: Character) -> KeyChord { KeyChord(.character(c), .control) }
    public static func alt(_ c: Character) -> KeyChord { KeyChord(.character(c), .alt) }
    /// A function key with any modifiers.
    public static func f(_ n: Int) -> KeyChord { KeyChord(.function(n), nil) }

    /// Whether `event` is this chord.
    public func matches(_ event: KeyEvent) -> Bool {
        event.key == key && (modifiers.map { $0 == event.modifiers } ?? true)
    }

    /// A key event that matches (for tests and docs: any-modifier chords press without modifiers).
    public var event: KeyEvent { KeyEvent(key, modifiers ?? []) }
}
