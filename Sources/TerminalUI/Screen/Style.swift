/// Text attributes a cell can carry.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let italic = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
    public static let reverse = TextAttributes(rawValue: 1 << 4)
    /// Shown only where the backend supports it (ncurses has no strikethrough attribute).
    public static let strikethrough = TextAttributes(rawValue: 1 << 5)

    /// Every attribute with its lowercase name, in a fixed order.
    public static let named: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("italic", .italic), ("underline", .underline),
        ("reverse", .reverse), ("strikethrough", .strikethrough),
    ]
}

/// Colours and attributes of text.
///
/// A nil colour means "keep what is underneath": drawing text with only a foreground over a
/// filled background keeps the background. On the terminal an unset colour is the default.
public struct Style: Hashable, Sendable {
    public var foreground: Color?
    public var background: Color?
    public var attributes: TextAttributes

    public init(foreground: Color? = nil, background: Color? = nil, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// No colours, no attributes.
    public static let plain = Style()

    /// This style with `other` laid over it: `other`'s colours win where set, attributes add up.
    public func patched(with other: Style) -> Style {
        Style(
            foreground: other.foreground ?? foreground,
            background: other.background ?? background,
            attributes: attributes.union(other.attributes))
    }

    public func foreground(_ color: Color?) -> Style {
        var s = self
        s.foreground = color
        return s
    }
    public func background(_ color: Color?) -> Style {
        var s = self
        s.background = color
        return s
    }
    public func adding(_ attributes: TextAttributes) -> Style {
        var s = self
        s.attributes.formUnion(attributes)
        return s
    }
    public var bold: Style { adding(.bold) }
    public var dim: Style { adding(.dim) }
    public var italic: Style { adding(.italic) }
    public var underline: Style { adding(.underline) }
    public var reverse: Style { adding(.reverse) }

    /// The style as a terminal of the given depth shows it (colours downgraded).
    public func downgraded(to depth: ColorDepth) -> Style {
        Style(
            foreground: foreground?.downgraded(to: depth), background: background?.downgraded(to: depth),
            attributes: attributes)
    }
}
