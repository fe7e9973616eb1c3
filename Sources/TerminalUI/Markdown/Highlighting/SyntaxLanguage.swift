/// How a language writes its words, comments and strings: the table a ``SyntaxHighlighter``
/// reads. Not a grammar: enough to colour keywords, strings, comments, numbers and types.
public struct SyntaxLanguage: Hashable, Sendable {
    /// A kind of string literal.
    struct StringRule: Hashable, Sendable {
        var open: String
        var close: String
        /// A backslash escapes the next character.
        var escapes = true
        /// The string may run over several lines.
        var multiline = false
    }

    /// A block comment's delimiters.
    struct BlockComment: Hashable, Sendable {
        var open: String
        var close: String
        /// Comments inside comments count (Swift, Rust).
        var nests = false
    }

    /// The canonical name (`swift`, `python`, …).
    public var name: String
    /// Names a code fence may use for the language (`py`, `golang`, …), lowercase.
    public var aliases: [String]
    var keywords: Set<String> = []
    /// Built-in type names.
    var types: Set<String> = []
    /// Identifiers that start with a capital and contain a small letter are types.
    var capitalizedTypes = true
    var lineComments: [String] = []
    /// A line comment starts only at the start of a word (shell: `a#b` is not a comment).
    var lineCommentsAtWordStart = false
    var blockComment: BlockComment?
    /// String rules, tried in order (put longer openings first).
    var strings: [StringRule] = []
    /// Identifiers that may stand right before a string's quote as part of it (`r"…"`, `f'…'`).
    var stringPrefixes: Set<String> = []
    /// Characters that make up operators.
    var operators: Set<UInt8> = Set("+-*/%=<>!&|^~?:".utf8)
    /// Characters allowed in identifiers besides letters, digits and `_`.
    var identifierExtras: Set<UInt8> = []
    /// `@name` (attributes, decorators) is coloured as this kind.
    var attributeKind: SyntaxTokenKind?
    /// `#name` (directives: `#if`, `#include`) is a keyword.
    var hashDirectives = false
    /// `$name` and `${…}` are variables, coloured as types (shell).
    var dollarVariables = false
    /// `name!(` is a macro call, coloured as a function (Rust).
    var bangMacros = false
    /// `'a'` is a character and `'a` a lifetime (Rust), rather than `'` opening a string.
    var lifetimes = false
    /// Lines are classified whole, as a unified diff.
    var isDiff = false

    /// The language a code fence names, by name or alias, ignoring case; nil when unknown.
    public static func named(_ name: String) -> SyntaxLanguage? {
        var key = name.lowercased()
        if key.hasPrefix("language-") { key.removeFirst("language-".count) }
        return byName[key]
    }

    /// Every language the highlighter knows.
    public static let all: [SyntaxLanguage] = [
        .swift, .python, .javascript, .typescript, .rust, .go, .c, .cpp, .shell, .json, .diff,
    ]

    private static let byName: [String: SyntaxLanguage] = {
        var table: [String: SyntaxLanguage] = [:]
        for language in all {
            table[language.name] = language
            for alias in language.aliases { table[alias] = language }
        }
        return table
    }()

    public static func == (lhs: SyntaxLanguage, rhs: SyntaxLanguage) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
