/// A piece of one line of code and what it is (nil: plain code).
public struct SyntaxToken: Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var kind: SyntaxTokenKind?

    public init(_ text: String, _ kind: SyntaxTokenKind? = nil) {
        self.text = text
        self.kind = kind
    }

    public var description: String { kind.map { "\($0)(\(text))" } ?? text }
}
