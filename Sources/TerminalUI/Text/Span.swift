/// A run of text in one style.
public struct Span: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var text: String
    public var style: Style

    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Columns the text takes.
    public var width: Int { text.displayWidth }
    public var description: String { text }
}

/// One line of styled text: a sequence of spans.
public struct Line: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var spans: [Span]

    public init(_ spans: [Span] = []) { self.spans = spans }
    public init(_ text: String, style: Style = .plain) { self.spans = [Span(text, style: style)] }
    public init(stringLiteral value: String) { self.init(value) }

    /// Columns the line takes.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }
    /// The text without styles.
    public var plainText: String { spans.map(\.text).joined() }
    public var description: String { plainText }
    public var isEmpty: Bool { spans.allSatisfy { $0.text.isEmpty } }

    /// The line with `style` laid under every span (the spans' own colours win).
    public func styled(_ style: Style) -> Line {
        Line(spans.map { Span($0.text, style: style.patched(with: $0.style)) })
    }

    public mutating func append(_ span: Span) { spans.append(span) }
    public mutating func append(_ text: String, style: Style = .plain) { spans.append(Span(text, style: style)) }
}
