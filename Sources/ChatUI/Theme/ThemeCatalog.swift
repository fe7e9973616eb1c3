import Foundation
import TerminalUI

/// The themes palaver can use: `NAME.toml` files in a list of directories, plus the default
/// theme compiled in.
///
/// Directories are searched in order, so the app passes the user's theme directory
/// (`$XDG_CONFIG_HOME/palaver/themes`) first and the shipped ones
/// (``shippedDirectories(executablePath:)``) after it: a user theme shadows a shipped theme of
/// the same name. `default` always exists: when no directory has `default.toml`, or it cannot
/// be used, the compiled-in copy is. So does `monochrome`, which palaver picks by itself: without
/// a `monochrome.toml` it is the compiled-in default with its colours taken out.
///
/// Loading never throws. A theme that cannot be used gives a warning that names the file and
/// line, and the default theme is used instead (see ``load(name:)``).
public struct ThemeCatalog: Hashable, Sendable {
    /// The directories searched for `NAME.toml`, first match wins.
    public var directories: [String]

    /// The theme used when nothing else is asked for, and after any problem.
    public static let defaultName = "default"
    /// The theme without colours, picked for `NO_COLOR` and colourless terminals.
    public static let monochromeName = "monochrome"

    public init(directories: [String]) {
        self.directories = directories
    }

    // MARK: - Names

    /// Every theme name available: the stems of the `.toml` files in the directories, once
    /// each, sorted, always including `default` and `monochrome`.
    public func names() -> [String] {
        var names: Set<String> = [Self.defaultName, Self.monochromeName]
        for directory in directories {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for file in files where file.hasSuffix(".toml") {
                let name = String(file.dropLast(".toml".count))
                if Self.isValidName(name) { names.insert(name) }
            }
        }
        return names.sorted()
    }

    /// The file that provides theme `name` (the first directory holding `NAME.toml`); nil when
    /// no directory has one.
    public func path(of name: String) -> String? {
        locate(Self.normalizedName(name), from: 0)?.path
    }

    // MARK: - Loading

    /// The theme called `name` with its `inherits` chain resolved, or the default theme and a
    /// warning saying why not.
    ///
    /// `name` is a file stem (`light`; a trailing `.toml` is ignored). A theme that inherits
    /// another is laid over it (`Theme.merged(over:)`), recursively; a theme that inherits its
    /// own name builds on the next directory's theme of that name, so a user `default.toml`
    /// with `inherits = "default"` changes the shipped default. Falls back to the default theme
    /// when the name is unknown, the file cannot be read or parsed, or the chain names a missing
    /// theme or runs in a circle; to the compiled-in default when `default` itself is broken.
    /// Style keys palaver does not use are reported too (most are typos), without a fallback.
    public func load(name requested: String) -> ThemeLoad {
        let name = Self.normalizedName(requested)
        var warnings: [String] = []
        if name != Self.defaultName {
            switch resolve(name) {
            case .success(let resolved):
                return ThemeLoad(
                    requested: requested, name: name, theme: resolved.theme, path: resolved.path,
                    warnings: resolved.notes)
            case .failure(let problem):
                warnings.append(problem.message + "; using the default theme instead.")
            }
        }
        switch resolve(Self.defaultName) {
        case .success(let resolved):
            return ThemeLoad(
                requested: requested, name: Self.defaultName, theme: resolved.theme, path: resolved.path,
                warnings: warnings + resolved.notes)
        case .failure(let problem):
            warnings.append(problem.message + "; using \(BuiltinDefaultTheme.label) instead.")
            return ThemeLoad(
                requested: requested, name: Self.defaultName, theme: BuiltinDefaultTheme.theme,
                path: nil, warnings: warnings)
        }
    }

    // MARK: - Resolution

    /// Where a theme comes from: a file in one of the directories, or the compiled-in default.
    private struct Source: Hashable {
        var name: String
        /// The index in ``directories``; nil for the compiled-in default.
        var directory: Int?
        var path: String?
    }

    /// A resolved theme, the file it came from and warnings that did not stop it.
    private struct Resolved {
        var theme: Theme
        var path: String?
        var notes: [String]
    }

    /// Why a theme cannot be used, as the start of a sentence (the caller says what happens).
    private struct Problem: Error {
        var message: String
    }

    private func resolve(_ name: String) -> Result<Resolved, Problem> {
        guard Self.isValidName(name) else {
            return .failure(
                Problem(
                    message:
                        "\"\(name)\" is not a theme name (a name is a file name in a themes directory, without .toml)"))
        }
        guard let source = locate(name, from: 0) else {
            return .failure(
                Problem(message: "No theme is called \"\(name)\" (available: \(names().joined(separator: ", ")))"))
        }
        do {
            var notes: [String] = []
            let theme = try resolve(source, chain: [], notes: &notes)
            return .success(Resolved(theme: theme, path: source.path, notes: notes))
        } catch {
            return .failure(error)
        }
    }

    /// The first `NAME.toml` in the directories from index `start` on; the compiled-in theme
    /// for `default` and `monochrome` when there is none.
    private func locate(_ name: String, from start: Int) -> Source? {
        if Self.isValidName(name), start < directories.count {
            for index in start..<directories.count {
                let path = (directories[index] as NSString).appendingPathComponent(name + ".toml")
                if FileManager.default.fileExists(atPath: path) {
                    return Source(name: name, directory: index, path: path)
                }
            }
        }
        return Self.builtInNames.contains(name) ? Source(name: name, directory: nil, path: nil) : nil
    }

    /// The theme in `source` laid over the themes it inherits; `chain` holds the themes that
    /// inherit this one, to catch a circle.
    private func resolve(_ source: Source, chain: [Source], notes: inout [String]) throws(Problem) -> Theme {
        guard let path = source.path, let directory = source.directory else { return Self.builtIn(source.name) }
        let text = try Self.read(path)
        var theme: Theme
        do {
            theme = try Theme.parse(text, path: path)
        } catch {
            var message = error.description
            if let child = chain.last, let childPath = child.path {
                message += " (\(childPath) inherits \"\(source.name)\")"
            }
            throw Problem(message: message)
        }
        notes += Self.unknownKeyNotes(theme, path: path)
        if theme.name == nil { theme.name = source.name }
        guard let parentName = theme.inherits else { return theme }

        let at = path + (Self.inheritsLine(in: text).map { ":\($0)" } ?? "")
        // A theme inheriting its own name means the one it shadows, further down the list.
        let start = parentName == source.name ? directory + 1 : 0
        guard Self.isValidName(parentName), let parent = locate(parentName, from: start) else {
            let what = start > 0 ? "but no theme after this file has that name" : "which is not a theme"
            throw Problem(
                message: "\(at): inherits \"\(parentName)\", \(what) (available: \(names().joined(separator: ", ")))")
        }
        let lineage = chain + [source]
        if lineage.contains(parent) {
            let circle = (lineage.drop(while: { $0 != parent }) + [parent]).map(\.name).joined(separator: " → ")
            throw Problem(message: "\(at): themes inherit from each other in a circle (\(circle))")
        }
        let base = try resolve(parent, chain: lineage, notes: &notes)
        var merged = theme.merged(over: base)
        merged.name = theme.name
        merged.inherits = nil
        return merged
    }

    // MARK: - Helpers

    /// The names that exist without any file.
    private static let builtInNames: Set<String> = [defaultName, monochromeName]

    /// The compiled-in default, or for `monochrome` the same without colours.
    private static func builtIn(_ name: String) -> Theme {
        guard name == monochromeName else { return BuiltinDefaultTheme.theme }
        var theme = BuiltinDefaultTheme.theme.downgraded(to: .monochrome)
        theme.name = monochromeName
        theme.palette = [:]
        return theme
    }

    /// `name` without spaces around it and without a trailing `.toml`.
    static func normalizedName(_ name: String) -> String {
        var name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.hasSuffix(".toml") { name.removeLast(".toml".count) }
        return name
    }

    /// A plain file stem: not empty, no path separator, not hidden.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\0")
    }

    /// Reads a theme file: a regular file of at most ``Theme/maxSize`` bytes (a device, a pipe or
    /// a huge file named as a theme is refused before anything is read into memory).
    private static func read(_ path: String) throws(Problem) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Problem(message: "\(path): this is a directory, not a theme file")
        }
        // A linked theme is fine: what it names counts.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if let type = (try? FileManager.default.attributesOfItem(atPath: target))?[.type] as? FileAttributeType,
            type != .typeRegular
        {
            throw Problem(message: "\(path): this is not a regular file, so it is not read as a theme")
        }
        guard let handle = FileHandle(forReadingAtPath: path),
            let data = try? handle.read(upToCount: Theme.maxSize + 1) ?? Data()
        else {
            throw Problem(message: "\(path): the file cannot be read (check its permissions)")
        }
        try? handle.close()
        guard data.count <= Theme.maxSize else {
            throw Problem(message: "\(path): the file is larger than \(Theme.maxSize / 1024) KiB; a theme is a few KiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Problem(message: "\(path): the file is not UTF-8 text")
        }
        return text
    }

    /// The line of the top-level `inherits = …`, for messages about it.
    static func inheritsLine(in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[") { return nil }
            guard trimmed.hasPrefix("inherits") else { continue }
            if trimmed.dropFirst("inherits".count).drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("=") {
                return index + 1
            }
        }
        return nil
    }

    /// A note for each style key that palaver never looks up, with the closest real key.
    static func unknownKeyNotes(_ theme: Theme, path: String) -> [String] {
        theme.styles.keys.filter { !ThemeKeys.isKnown($0) }.sorted().map { key in
            var note = "\(path): palaver has no style \"\(key)\", so it changes nothing"
            if let guess = ThemeKeys.closest(to: key) { note += " (did you mean \"\(guess)\"?)" }
            return note + "."
        }
    }
}
