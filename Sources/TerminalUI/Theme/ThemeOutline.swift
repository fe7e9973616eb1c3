import Safety
import TOMLKit

/// The statements of a theme file, found without reading any value: TOMLKit (toml++) reads the
/// values but gives no line for them.
///
/// ``TOMLGuard`` (shared with the config reader) first refuses what TOMLKit cannot read safely:
/// a file over ``Theme/maxSize``, a NUL byte or `\u0000` escape, nesting deeper than
/// ``Theme/maxDepth``, and the shapes toml++ asserts on. It also returns where each statement (a
/// `[header]` or a `key = value`) starts, which the outline uses so an error about a key can name
/// its line.
struct ThemeOutline {
    typealias Statement = TOMLGuard.Statement

    /// Why a text cannot be given to TOMLKit; `line` is nil for the file as a whole.
    struct Refusal: Error {
        var line: Int?
        var message: String
    }

    /// The checks of every theme file.
    static let tomlGuard = TOMLGuard(maxSize: Theme.maxSize, maxDepth: Theme.maxDepth, fileKind: "a theme")

    let bytes: [UInt8]
    let statements: [Statement]

    init(_ text: String) throws(Refusal) {
        bytes = Array(text.utf8)
        do {
            statements = try Self.tomlGuard.check(bytes)
        } catch {
            throw Refusal(line: error.line, message: error.message)
        }
    }

    // MARK: - Lines of keys

    /// The line that first defines `key` (a full path such as `["styles", "status", "fg"]`) or a
    /// table inside it, looking only at statements starting before `limit`; nil when none does.
    ///
    /// Each statement is read alone by TOMLKit (a statement of a file TOMLKit accepted is itself
    /// valid TOML), so keys are compared exactly as TOMLKit spells them. Only for messages.
    func line(of key: [String], before limit: Int = .max) -> Int? {
        var current: [String] = []
        for statement in statements where statement.line < limit {
            guard let table = table(statement) else { continue }
            if statement.isHeader {
                current = Self.chain(table)
                if current.starts(with: key) { return statement.line }
            } else if Self.defines(table, key, under: current) {
                return statement.line
            }
        }
        return nil
    }

    /// The full key a statement defines: its header's path, or its dotted key under the last
    /// header. Used for "defined twice" messages at `statement`.
    func definedKey(at line: Int) -> [String]? {
        var current: [String] = []
        for statement in statements where statement.line <= line {
            guard let table = table(statement) else { continue }
            let chain = Self.chain(table)
            if statement.isHeader { current = chain }
            if statement.line == line { return statement.isHeader ? chain : current + chain }
        }
        return nil
    }

    private func table(_ statement: Statement) -> TOMLTable? {
        let range = statement.range.clamped(to: 0..<bytes.count)
        return try? TOMLTable(string: String(decoding: bytes[range], as: UTF8.self))
    }

    /// The keys down a table that holds one key each, through tables made by dotted keys and
    /// headers (not into `{ }` tables, which are values); into the last table of a `[[array]]`.
    private static func chain(_ table: TOMLTable) -> [String] {
        var path: [String] = []
        var table = table
        while path.count <= Theme.maxDepth, table.count == 1, let key = table.keys.first {
            path.append(key)
            guard let value = table[key] else { break }
            if let child = value.table, !child.inline {
                table = child
            } else if let array = value.array, array.count > 0, let child = array[array.count - 1].table {
                table = child
            } else {
                break
            }
        }
        return path
    }

    /// Whether `table` (a statement read alone, placed at `current`) holds `key` or a table on the way to it.
    private static func defines(_ table: TOMLTable, _ key: [String], under current: [String]) -> Bool {
        guard key.count > current.count, key.starts(with: current) else { return false }
        var node: TOMLTable? = table
        for part in key.dropFirst(current.count) {
            guard let value = node?[part] else { return false }
            node = value.table
        }
        return true
    }
}
