import Foundation
import TOMLKit

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
/// `modifiers` (a list of those names). Errors name the line. Files are read by TOMLKit after
/// ``ThemeOutline`` has refused what it cannot read safely (see ``maxSize`` and ``maxDepth``).
public struct Theme: Hashable, Sendable {
    public var name: String?
    /// The theme this one is meant to be laid over (resolved by the app; see ``merged(over:)``).
    public var inherits: String?
    public var palette: [String: Color]
    public var styles: [String: Style]

    /// The key used when nothing more specific is set.
    public static let defaultKey = "default"

    public init(
        name: String? = nil, inherits: String? = nil, palette: [String: Color] = [:], styles: [String: Style] = [:]
    ) {
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
        Theme(
            name: name ?? base.name, inherits: base.inherits,
            palette: base.palette.merging(palette) { _, mine in mine },
            styles: base.styles.merging(styles) { _, mine in mine })
    }

    /// The theme as a terminal of the given depth shows it.
    public func downgraded(to depth: ColorDepth) -> Theme {
        Theme(
            name: name, inherits: inherits, palette: palette.mapValues { $0.downgraded(to: depth) },
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
        var location = path ?? "theme"
        if let line { location += ":\(line)" }
        return "\(location): \(message)"
    }
}

extension Theme {
    /// The largest theme file read (themes are a few KiB); a larger one is refused before parsing.
    public static let maxSize = 256 * 1024
    /// The deepest nesting of tables, dotted keys, arrays and `{ }` tables a theme may use
    /// (themes need three or four levels); deeper input is an error, not a stack overflow.
    static let maxDepth = 32

    /// Reads a theme from TOML text; `path` only names the file in errors.
    public static func parse(_ toml: String, path: String? = nil) throws(ThemeError) -> Theme {
        let outline: ThemeOutline
        do {
            outline = try ThemeOutline(toml)
        } catch {
            throw ThemeError(path: path, line: error.line, message: error.message)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw ThemeError(path: path, line: line, message: message(for: error, outline: outline))
        } catch {
            throw ThemeError(path: path, line: nil, message: String(describing: error))
        }
        do {
            return try read(root)
        } catch {
            throw ThemeError(path: path, line: outline.line(of: error.key), message: error.message)
        }
    }

    /// palaver's sentence for a TOMLKit syntax error (toml++'s "Error while parsing <what>: <detail>"),
    /// saying what is wrong in the terms of a theme where it can.
    private static func message(for error: TOMLParseError, outline: ThemeOutline) -> String {
        let text = error.description
        let prefix = "Error while parsing "
        var what = ""
        var detail = text
        if text.hasPrefix(prefix), let colon = text.range(of: ": ") {
            what = String(text[text.index(text.startIndex, offsetBy: prefix.count)..<colon.lowerBound])
            detail = String(text[colon.upperBound...])
        }
        let line = error.source.begin.line
        if detail.hasPrefix("cannot redefine existing") || detail.hasPrefix("cannot insert"),
            let key = outline.definedKey(at: line), !key.isEmpty
        {
            // The longest part of the key an earlier statement already set.
            let name = key.joined(separator: ".")
            for count in stride(from: key.count, through: 1, by: -1) {
                guard let first = outline.line(of: Array(key.prefix(count)), before: line) else { continue }
                if count == key.count { return "\(name) is defined twice (first on line \(first))" }
                let set = key.prefix(count).joined(separator: ".")
                return
                    "\(set) is already set on line \(first) (a value or a { } table, which TOML closes), so \(name) cannot add to it; "
                    + "put the keys inside its { }, or use a [\(set)] table"
            }
            return "\(name) is defined twice"
        }
        if what == "inline table", detail.hasSuffix("saw '\\n'") || detail.contains("end-of-file") {
            return "expected , or } in the inline table (it must stay on one line)"
        }
        if what == "key-value pair", detail.hasPrefix("expected a comment or whitespace, saw '"),
            let saw = detail.split(separator: "'").dropFirst().first
        {
            return "unexpected \"\(saw)\" after the value (one key = value per line)"
        }
        if what.hasSuffix("string"), detail.contains("end-of-file") || detail.contains("control characters") {
            return "the string is not closed"
                + (detail.contains("end-of-file") ? "" : " on this line (or holds a control character)")
        }
        return (what.isEmpty ? "" : what + ": ") + detail + " (column \(error.source.begin.column))"
    }

    /// What is wrong with a key of a theme TOMLKit has read: the key's full path finds its line.
    private struct KeyProblem: Error {
        var key: [String]
        var message: String
    }

    private static func read(_ root: TOMLTable) throws(KeyProblem) -> Theme {
        var theme = Theme()
        for (key, value) in root {
            switch key {
            case "name", "inherits":
                guard let s = value.string else { throw expected([key], value, "\(key) must be a string") }
                if key == "name" { theme.name = s } else { theme.inherits = s }
            case "palette", "styles":
                guard value.table != nil else {
                    let why = value.array != nil ? " (arrays of tables, [[\(key)]], are not supported in themes)" : ""
                    throw expected([key], value, "\(key) must be a table" + why)
                }
            default:
                throw KeyProblem(
                    key: [key], message: "unknown key \(key) (a theme has name, inherits, [palette] and [styles])")
            }
        }

        if let table = root["palette"]?.table {
            for (name, entry) in table {
                guard let color = try color(entry, key: ["palette", name], palette: [:]) else {
                    throw expected(["palette", name], entry, "palette entry \(name) must be a colour")
                }
                theme.palette[name] = color
            }
        }

        if let table = root["styles"]?.table {
            try readStyles(table, path: ["styles"], into: &theme)
        }
        return theme
    }

    private static let styleFields: Set<String> = Set(["fg", "bg", "modifiers"] + TextAttributes.named.map(\.0))

    /// The problem for a value of the wrong kind; for a value themes never use (a float, a date)
    /// it names the value instead.
    private static func expected(_ key: [String], _ value: any TOMLValueConvertible, _ message: String) -> KeyProblem {
        switch value.type {
        case .double, .date, .time, .dateTime:
            let shown = value.tomlValue.debugDescription
            return KeyProblem(
                key: key,
                message:
                    "unsupported value \(shown) (themes use strings, whole numbers, true/false, arrays and { } tables)")
        default:
            return KeyProblem(key: key, message: message)
        }
    }

    /// Reads the styles under `path` (`["styles", …]`); a table's style fields are its own style.
    private static func readStyles(_ table: TOMLTable, path: [String], into theme: inout Theme) throws(KeyProblem) {
        let prefix = path.dropFirst().joined(separator: ".")
        var own = Style()
        var hasOwn = false
        for (key, value) in table {
            let keyPath = path + [key]
            let name = prefix.isEmpty ? key : prefix + "." + key
            if !prefix.isEmpty, styleFields.contains(key) {
                hasOwn = true
                try applyField(key, value, keyPath: keyPath, to: &own, palette: theme.palette)
                continue
            }
            switch value.type {
            case .bool where !prefix.isEmpty, .array where !prefix.isEmpty:
                throw KeyProblem(
                    key: keyPath,
                    message:
                        "unknown style field \(key) in \(prefix) (use fg, bg, \(TextAttributes.named.map(\.0).joined(separator: ", ")) or modifiers)"
                )
            case .table:
                // The scan before parsing bounds the depth; this guard keeps the recursion bounded on its own.
                guard path.count < maxDepth, let child = value.table else {
                    throw KeyProblem(key: keyPath, message: "styles are nested more than \(maxDepth) levels deep")
                }
                try readStyles(child, path: keyPath, into: &theme)
            case .string, .int:
                guard let c = try color(value, key: keyPath, palette: theme.palette) else {
                    throw KeyProblem(key: keyPath, message: "\(name) must be a colour or a { } style")
                }
                theme.styles[name] = (theme.styles[name] ?? Style()).patched(with: Style(foreground: c))
            default:
                throw expected(keyPath, value, "\(name) must be a colour or a { fg = …, bg = …, bold = … } style")
            }
        }
        if hasOwn { theme.styles[prefix] = (theme.styles[prefix] ?? Style()).patched(with: own) }
    }

    private static func applyField(
        _ key: String, _ value: any TOMLValueConvertible, keyPath: [String], to style: inout Style,
        palette: [String: Color]
    ) throws(KeyProblem) {
        switch key {
        case "fg", "bg":
            guard let c = try color(value, key: keyPath, palette: palette) else {
                throw expected(keyPath, value, "\(key) must be a colour")
            }
            if key == "fg" { style.foreground = c } else { style.background = c }
        case "modifiers":
            guard let items = value.array else {
                throw expected(keyPath, value, "modifiers must be a list such as [\"bold\", \"italic\"]")
            }
            for item in items {
                guard let name = item.string,
                    let a = TextAttributes.named.first(where: { $0.0 == name.lowercased() })?.1
                else {
                    throw expected(
                        keyPath, item, "unknown modifier (use \(TextAttributes.named.map(\.0).joined(separator: ", ")))"
                    )
                }
                style.attributes.insert(a)
            }
        default:
            guard let on = value.bool else { throw expected(keyPath, value, "\(key) must be true or false") }
            let a = TextAttributes.named.first { $0.0 == key }!.1
            if on { style.attributes.insert(a) } else { style.attributes.remove(a) }
        }
    }

    /// A colour from a string or number; nil when the value is neither (the caller names what
    /// it expected); throws for a string or number that is not a colour.
    private static func color(_ value: any TOMLValueConvertible, key: [String], palette: [String: Color])
        throws(KeyProblem) -> Color?
    {
        if let n = value.int {
            guard (0...255).contains(n) else {
                throw KeyProblem(key: key, message: "colour index \(n) is outside 0–255")
            }
            return .indexed(UInt8(n))
        }
        if let s = value.string {
            if let c = palette[s] { return c }
            if let c = Color(parsing: s) { return c }
            throw KeyProblem(
                key: key,
                message:
                    "unknown colour \"\(s)\" (use #rrggbb, 0–255, an ANSI name such as bright-blue, or a [palette] name)"
            )
        }
        return nil
    }
}
