/// Named styles that an app looks up by key ("transcript.user", "status.valid"), loaded from
/// TOML or built in code.
///
/// A lookup layers the styles of the key's parents under it: `style("status.valid")` is
/// `default`, then `status`, then `status.valid`, each laid over the one before (colours of the
/// more specific key win, attributes add up). Missing keys simply add nothing.
///
/// The TOML form:
/// ```toml
/// name = "dark"                    # optional
/// inherits = "default"             # optional: the app merges this theme over the named one
///
/// [palette]                        # names for colours, usable in styles
/// green = "#50fa7b"
/// panel = 236
///
/// [styles]
/// default = { fg = "white", bg = "panel" }
/// "status.valid" = { fg = "green", bold = true }
/// "transcript.user" = "bright-cyan"               # a colour alone sets the foreground
/// status.rejected = { fg = "red", modifiers = ["bold", "underline"] }  # dotted keys nest
///
/// [styles."modal.title"]
/// fg = "#ffb86c"
/// italic = true
/// ```
/// Colours are `#rrggbb`, `#rgb`, a palette index 0–255 (number or string), an ANSI name
/// (`red`, `bright-red`, `gray`, `default`), or a name from `[palette]`. Style fields: `fg`,
/// `bg`, `bold`, `dim`, `italic`, `underline`, `reverse`, `strikethrough` (true/false) and
/// `modifiers` (a list of those names). Errors name the line.
public struct Theme: Hashable, Sendable {
    public var name: String?
    /// The theme this one is meant to be laid over (resolved by the app; see ``merged(over:)``).
    public var inherits: String?
    public var palette: [String: Color]
    public var styles: [String: Style]

    /// The key used when nothing more specific is set.
    public static let defaultKey = "default"

    public init(name: String? = nil, inherits: String? = nil, palette: [String: Color] = [:], styles: [String: Style] = [:]) {
        self.name = name
        self.inherits = inherits
        self.palette = palette
        self.styles = styles
    }

    /// The style for a key: `default`, then each parent key, then the key itself, laid over
    /// each other.
    public func style(_ key: String) -> Style {
        var result = styles[Theme.defaultKey] ?? .plain
        var prefix = ""
        for part in key.split(separator: ".", omittingEmptySubsequences: false) {
            prefix = prefix.isEmpty ? String(part) : prefix + "." + part
            if prefix != Theme.defaultKey, let s = styles[prefix] { result = result.patched(with: s) }
        }
        return result
    }

    public subscript(key: String) -> Style { style(key) }

    /// This theme laid over `base`: its palette entries and styles replace the base's.
    public func merged(over base: Theme) -> Theme {
        Theme(name: name ?? base.name, inherits: base.inherits,
              palette: base.palette.merging(palette) { _, mine in mine },
              styles: base.styles.merging(styles) { _, mine in mine })
    }

    /// The theme as a terminal of the given depth shows it.
    public func downgraded(to depth: ColorDepth) -> Theme {
        Theme(name: name, inherits: inherits, palette: palette.mapValues { $0.downgraded(to: depth) },
              styles: styles.mapValues { $0.downgraded(to: depth) })
    }
}

/// A theme file that cannot be used: the file (when known), the line (when known), and why.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String?
    public var line: Int?
    public var message: String

    public init(path: String? = nil, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `themes/dark.toml:7: unknown colour "blurple"`.
    public var description: String {
        var where_ = path ?? "theme"
        if let line { where_ += ":\(line)" }
        return "\(where_): \(message)"
    }
}

extension Theme {
    /// Reads a theme from TOML text; `path` only names the file in errors.
    public static func parse(_ toml: String, path: String? = nil) throws(ThemeError) -> Theme {
        let root: MiniTOML.Table
        do {
            root = try MiniTOML.parse(toml)
        } catch {
            throw ThemeError(path: path, line: error.line, message: error.message)
        }
        func fail(_ line: Int, _ message: String) -> ThemeError { ThemeError(path: path, line: line, message: message) }

        var theme = Theme()
        for key in root.keys {
            let node = root[key]!
            switch key {
            case "name", "inherits":
                guard case .string(let s) = node.value else { throw fail(node.line, "\(key) must be a string") }
                if key == "name" { theme.name = s } else { theme.inherits = s }
            case "palette", "styles":
                guard case .table = node.value else { throw fail(node.line, "\(key) must be a table") }
            default:
                throw fail(node.line, "unknown key \(key) (a theme has name, inherits, [palette] and [styles])")
            }
        }

        if let node = root["palette"], case .table(let table) = node.value {
            for name in table.keys {
                let entry = table[name]!
                guard let color = try color(entry, palette: [:], fail: fail) else {
                    throw fail(entry.line, "palette entry \(name) must be a colour")
                }
                theme.palette[name] = color
            }
        }

        if let node = root["styles"], case .table(let table) = node.value {
            try readStyles(table, prefix: "", into: &theme, fail: fail)
        }
        return theme
    }

    private static let styleFields: Set<String> = Set(["fg", "bg", "modifiers"] + TextAttributes.named.map(\.0))

    private static func readStyles(_ table: MiniTOML.Table, prefix: String, into theme: inout Theme,
                                   fail: (Int, String) -> ThemeError) throws(ThemeError) {
        var own = Style()
        var hasOwn = false
        for key in table.keys {
            let node = table[key]!
            let path = prefix.isEmpty ? key : prefix + "." + key
            if !prefix.isEmpty, styleFields.contains(key) {
                hasOwn = true
                try applyField(key, node, to: &own, palette: theme.palette, fail: fail)
                continue
            }
            switch node.value {
            case .bool where !prefix.isEmpty, .array where !prefix.isEmpty:
                throw fail(node.line, "unknown style field \(key) in \(prefix) (use fg, bg, \(TextAttributes.named.map(\.0).joined(separator: ", ")) or modifiers)")
            case .table(let child):
                try readStyles(child, prefix: path, into: &theme, fail: fail)
            case .string, .integer:
                guard let c = try color(node, palette: theme.palette, fail: fail) else { throw fail(node.line, "\(path) must be a colour or a { } style") }
                theme.styles[path] = (theme.styles[path] ?? Style()).patched(with: Style(foreground: c))
            default:
                throw fail(node.line, "\(path) must be a colour or a { fg = …, bg = …, bold = … } style")
            }
        }
        if hasOwn { theme.styles[prefix] = (theme.styles[prefix] ?? Style()).patched(with: own) }
    }

    private static func applyField(_ key: String, _ node: MiniTOML.Node, to style: inout Style, palette: [String: Color],
                                   fail: (Int, String) -> ThemeError) throws(ThemeError) {
        switch key {
        case "fg", "bg":
            guard let c = try color(node, palette: palette, fail: fail) else { throw fail(node.line, "\(key) must be a colour") }
            if key == "fg" { style.foreground = c } else { style.background = c }
        case "modifiers":
            guard case .array(let items) = node.value else { throw fail(node.line, "modifiers must be a list such as [\"bold\", \"italic\"]") }
            for item in items {
                guard case .string(let name) = item.value, let a = TextAttributes.named.first(where: { $0.0 == name.lowercased() })?.1 else {
                    throw fail(item.line, "unknown modifier (use \(TextAttributes.named.map(\.0).joined(separator: ", ")))")
                }
                style.attributes.insert(a)
            }
        default:
            guard case .bool(let on) = node.value else { throw fail(node.line, "\(key) must be true or false") }
            let a = TextAttributes.named.first { $0.0 == key }!.1
            if on { style.attributes.insert(a) } else { style.attributes.remove(a) }
        }
    }

    /// A colour from a string or number; nil when the value is neither (the caller names what
    /// it expected); throws for a string or number that is not a colour.
    private static func color(_ node: MiniTOML.Node, palette: [String: Color], fail: (Int, String) -> ThemeError) throws(ThemeError) -> Color? {
        switch node.value {
        case .integer(let n):
            guard (0...255).contains(n) else { throw fail(node.line, "colour index \(n) is outside 0–255") }
            return .indexed(UInt8(n))
        case .string(let s):
            if let c = palette[s] { return c }
            if let c = Color(parsing: s) { return c }
            throw fail(node.line, "unknown colour \"\(s)\" (use #rrggbb, 0–255, an ANSI name such as bright-blue, or a [palette] name)")
        default:
            return nil
        }
    }
}
