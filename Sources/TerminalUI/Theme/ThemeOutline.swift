import TOMLKit

/// The statements of a theme file, found without reading any value: TOMLKit (toml++) reads the
/// values but gives no line for them, and it recurses, asserts or stops at a NUL on some input.
///
/// Scanning first does two jobs:
/// - it refuses, before TOMLKit sees the text, what TOMLKit cannot read safely: a file over
///   ``Theme/maxSize``, a NUL byte, keys and brackets nested deeper than ``Theme/maxDepth``
///   (toml++ recurses per dotted part), a table header that does not start with a name, a stray or
///   mismatched `]` or `}`, and a date whose time is not `HH:` (toml++ asserts on the last three),
///   and a `\u0000` escape (TOMLKit traps on a key holding NUL);
/// - it keeps where each statement (a `[header]` or a `key = value`, over several lines for
///   arrays and multi-line strings) starts, so an error about a key can name its line.
struct ThemeOutline {
    struct Statement {
        /// The line it starts on (from 1).
        var line: Int
        /// Its bytes in the text, comments and the line end left out.
        var range: Range<Int>
        var isHeader: Bool
    }

    /// Why a text cannot be given to TOMLKit; `line` is nil for the file as a whole.
    struct Refusal: Error {
        var line: Int?
        var message: String
    }

    let bytes: [UInt8]
    private(set) var statements: [Statement] = []

    init(_ text: String) throws(Refusal) {
        bytes = Array(text.utf8)
        try scan()
    }

    // MARK: - Scanning

    private static func isKeyStart(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x2D || b == 0x22 || b == 0x27
    }

    private mutating func scan() throws(Refusal) {
        let n = bytes.count
        guard n <= Theme.maxSize else {
            throw Refusal(line: nil, message: "the file is larger than \(Theme.maxSize / 1024) KiB; a theme is a few KiB")
        }
        let maxDepth = Theme.maxDepth
        var line = 1, i = 0
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }  // a byte order mark, which toml++ skips
        var open: [(bracket: UInt8, dots: Int)] = []  // the [ and { not closed yet, and the dots of the key each belongs to
        var headerParts = 0  // the parts of the last [header]: keys under it nest that much deeper
        var dots = 0  // dots in the key being read (since the last = , [ { ] } or line end)
        var start: (line: Int, offset: Int, isHeader: Bool)?
        var end = 0  // just after the last byte of the statement that is not blank or a comment

        func depth() -> Int { headerParts + open.count + open.reduce(0) { $0 + $1.dots } + dots + 1 }
        func tooDeep(_ what: UInt8) -> Refusal {
            Refusal(line: line, message: what == 0x2E
                ? "the key has more than \(maxDepth) parts, counting its table and the { } around it (a theme needs a few)"
                : "arrays and { } tables are nested more than \(maxDepth) levels deep (a theme needs a few)")
        }

        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                if open.isEmpty, let s = start {
                    statements.append(Statement(line: s.line, range: s.offset..<end, isHeader: s.isHeader))
                    start = nil
                }
                line += 1
                dots = 0
                i += 1
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0D { i += 1; continue }
            if b == 0x23 { while i < n, bytes[i] != 0x0A { i += 1 }; continue }  // a comment
            if b == 0 { throw Refusal(line: line, message: "the file has a NUL byte (a theme is text)") }
            let atStatementStart = start == nil
            if atStatementStart { start = (line, i, b == 0x5B) }
            switch b {
            case 0x22, 0x27:  // a string: skip it (multi-line ones count their lines)
                let triple = i + 2 < n && bytes[i + 1] == b && bytes[i + 2] == b
                i += triple ? 3 : 1
                while i < n {
                    if bytes[i] == 0 { throw Refusal(line: line, message: "the file has a NUL byte (a theme is text)") }
                    if bytes[i] == 0x5C, b == 0x22, i + 1 < n {
                        // \u0000 would put a NUL in a key, which TOMLKit cuts short and then cannot find (a trap).
                        let width = bytes[i + 1] == 0x75 ? 4 : bytes[i + 1] == 0x55 ? 8 : 0
                        if width > 0, i + 2 + width <= n, bytes[(i + 2)..<(i + 2 + width)].allSatisfy({ $0 == 0x30 }) {
                            throw Refusal(line: line, message: "a string holds \\u0000 (NUL), which a theme cannot use")
                        }
                        if bytes[i + 1] == 0x0A { line += 1 }
                        i += 2
                        continue
                    }
                    if bytes[i] == b, !triple || (i + 2 < n && bytes[i + 1] == b && bytes[i + 2] == b) { i += triple ? 3 : 1; break }
                    if bytes[i] == 0x0A { if !triple { break }; line += 1 }
                    i += 1
                }
                end = i
                continue
            case 0x5B where atStatementStart:  // a table header: [name] or [[name]], on one line
                var j = i + 1
                if j < n, bytes[j] == 0x5B { j += 1 }
                while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                guard j < n, Self.isKeyStart(bytes[j]) else {
                    throw Refusal(line: line, message: "a table header must start with a name, as in [styles]")
                }
                var parts = 1
                while i < n, bytes[i] != 0x0A, bytes[i] != 0x23 {
                    if bytes[i] == 0 { throw Refusal(line: line, message: "the file has a NUL byte (a theme is text)") }
                    if bytes[i] == 0x2E { parts += 1 }  // may count a dot in a quoted part: too many is safe
                    guard parts <= maxDepth else { throw tooDeep(0x2E) }
                    if bytes[i] != 0x20, bytes[i] != 0x09, bytes[i] != 0x0D { end = i + 1 }
                    i += 1
                }
                headerParts = parts
                continue
            case 0x2E:  // a dotted key: toml++ recurses per part
                dots += 1
                guard depth() <= maxDepth else { throw tooDeep(b) }
            case 0x3D:
                break  // the key's dots go on counting for the { } or [ ] after =
            case 0x2C:
                dots = 0
            case 0x5B, 0x7B:
                open.append((b, dots))
                dots = 0
                guard depth() <= maxDepth else { throw tooDeep(b) }
            case 0x5D, 0x7D:  // toml++ asserts on a stray or mismatched closing bracket
                dots = 0
                let opener = open.popLast()?.bracket
                guard opener == b - 2 else {
                    let what = opener.map { "does not match the open \(Character(Unicode.Scalar($0)))" } ?? "closes nothing"
                    throw Refusal(line: line, message: "\(Character(Unicode.Scalar(b))) \(what)")
                }
            case 0x30...0x39 where i + 11 < n && bytes[i + 4] == 0x2D && bytes[i + 7] == 0x2D
                && (bytes[i + 10] == 0x54 || bytes[i + 10] == 0x74 || (bytes[i + 10] == 0x20 && (0x30...0x39).contains(bytes[i + 11]))):
                // A date with a time (toml++ asserts when the time does not start with HH:).
                let t = i + 11
                guard t + 2 < n, (0x30...0x39).contains(bytes[t]), (0x30...0x39).contains(bytes[t + 1]), bytes[t + 2] == 0x3A else {
                    throw Refusal(line: line, message: "a date's time must be written HH:MM:SS, as in 1979-05-27T07:32:00Z")
                }
                i = t
                end = i
                continue
            default:
                break
            }
            i += 1
            end = i
        }
        if let s = start { statements.append(Statement(line: s.line, range: s.offset..<max(end, s.offset), isHeader: s.isHeader)) }
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
