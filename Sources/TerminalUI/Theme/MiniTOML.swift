/// A small TOML reader for theme files: enough TOML for themes, with the line of every value
/// so errors can name it.
///
/// Supported: comments, `[table]` and `[a."b.c"]` headers, bare/quoted/dotted keys, basic
/// strings (with escapes) and literal strings, integers (decimal, `0x` hex, `_` separators),
/// booleans, arrays (over several lines) and inline tables. Anything else (floats, dates,
/// multi-line strings, arrays of tables) is reported as not supported, with its line.
enum MiniTOML {
    indirect enum Value: Hashable {
        case string(String)
        case integer(Int)
        case bool(Bool)
        case array([Node])
        case table(Table)
    }

    struct Node: Hashable {
        var value: Value
        var line: Int
    }

    struct Table: Hashable {
        var keys: [String] = []
        var nodes: [String: Node] = [:]
        subscript(key: String) -> Node? { nodes[key] }
    }

    struct SyntaxError: Error, Hashable {
        var line: Int
        var message: String
    }

    /// The deepest nesting of arrays and inline tables, and the longest dotted key, a theme
    /// may use (themes need three or four levels); deeper input is an error, not a stack overflow.
    static let maxDepth = 32

    static func parse(_ text: String) throws(SyntaxError) -> Table {
        var parser = Parser(Array(text.unicodeScalars))
        return try parser.parseDocument()
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var line = 1
        var root = Table()
        var current: [String] = []
        var definedHeaders: [[String]: Int] = [:]
        /// Arrays and inline tables open around the value being read.
        var depth = 0

        init(_ s: [Unicode.Scalar]) { self.s = s }

        var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

        func fail(_ message: String, line l: Int? = nil) -> SyntaxError { SyntaxError(line: l ?? line, message: message) }

        mutating func skipSpaces() { while let c = peek, c == " " || c == "\t" { i += 1 } }

        mutating func skipComment() {
            if peek == "#" { while let c = peek, c != "\n" { i += 1 } }
        }

        /// Skips spaces, comments and newlines.
        mutating func skipBlank() {
            while true {
                skipSpaces()
                skipComment()
                if peek == "\n" { i += 1; line += 1; continue }
                if peek == "\r", i + 1 < s.count, s[i + 1] == "\n" { i += 2; line += 1; continue }
                return
            }
        }

        mutating func expectLineEnd() throws(SyntaxError) {
            skipSpaces()
            skipComment()
            if peek == "\r" { i += 1 }
            guard peek == nil || peek == "\n" else { throw fail("unexpected \"\(String(peek!))\" after the value (one key = value per line)") }
        }

        mutating func parseDocument() throws(SyntaxError) -> Table {
            while true {
                skipBlank()
                guard let c = peek else { return root }
                if c == "[" {
                    let headerLine = line
                    i += 1
                    if peek == "[" { throw fail("arrays of tables ([[…]]) are not supported in themes") }
                    skipSpaces()
                    current = []
                    let path = try parseKeyPath()
                    skipSpaces()
                    guard peek == "]" else { throw fail("expected ] to close the table header") }
                    i += 1
                    try expectLineEnd()
                    if let first = definedHeaders[path] {
                        throw fail("table [\(path.joined(separator: "."))] is defined twice (first on line \(first))")
                    }
                    definedHeaders[path] = headerLine
                    try ensureTable(path, line: headerLine)
                    current = path
                } else {
                    let keyLine = line
                    let path = try parseKeyPath()
                    skipSpaces()
                    guard peek == "=" else { throw fail("expected = after the key") }
                    i += 1
                    skipSpaces()
                    let value = try parseValue()
                    try expectLineEnd()
                    try insert(current + path, Node(value: value, line: keyLine), into: &root)
                }
            }
        }

        mutating func ensureTable(_ path: [String], line l: Int) throws(SyntaxError) {
            func walk(_ table: inout Table, _ rest: ArraySlice<String>) throws(SyntaxError) {
                guard let key = rest.first else { return }
                var child: Table
                if let node = table.nodes[key] {
                    guard case .table(let t) = node.value else {
                        throw SyntaxError(line: l, message: "\(key) is already a value (line \(node.line)), not a table")
                    }
                    child = t
                } else {
                    child = Table()
                    table.keys.append(key)
                }
                try walk(&child, rest.dropFirst())
                table.nodes[key] = Node(value: .table(child), line: table.nodes[key]?.line ?? l)
            }
            try walk(&root, path[...])
        }

        func insert(_ path: [String], _ node: Node, into table: inout Table) throws(SyntaxError) {
            let key = path[0]
            if path.count == 1 {
                if let existing = table.nodes[key] {
                    throw SyntaxError(line: node.line, message: "\(key) is defined twice (first on line \(existing.line))")
                }
                table.keys.append(key)
                table.nodes[key] = node
                return
            }
            var child: Table
            if let existing = table.nodes[key] {
                guard case .table(let t) = existing.value else {
                    throw SyntaxError(line: node.line, message: "\(key) is already a value (line \(existing.line)), not a table")
                }
                child = t
            } else {
                child = Table()
                table.keys.append(key)
            }
            try insert(Array(path.dropFirst()), node, into: &child)
            table.nodes[key] = Node(value: .table(child), line: table.nodes[key]?.line ?? node.line)
        }

        mutating func parseKeyPath() throws(SyntaxError) -> [String] {
            var path: [String] = []
            while true {
                skipSpaces()
                guard path.count + current.count < MiniTOML.maxDepth else {
                    throw fail("the key has more than \(MiniTOML.maxDepth) parts (a theme needs a few)")
                }
                path.append(try parseKey())
                skipSpaces()
                if peek == "." { i += 1; continue }
                return path
            }
        }

        mutating func parseKey() throws(SyntaxError) -> String {
            guard let c = peek else { throw fail("expected a key") }
            if c == "\"" { return try parseBasicString() }
            if c == "'" { return try parseLiteralString() }
            var key = ""
            while let c = peek, isBareKeyCharacter(c) { key.unicodeScalars.append(c); i += 1 }
            guard !key.isEmpty else { throw fail("expected a key, found \"\(String(c))\"") }
            return key
        }

        func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
        }

        mutating func parseValue() throws(SyntaxError) -> Value {
            guard let c = peek, c != "\n" else { throw fail("expected a value after =") }
            switch c {
            case "\"":
                if i + 2 < s.count, s[i + 1] == "\"", s[i + 2] == "\"" { throw fail("multi-line strings are not supported in themes") }
                return .string(try parseBasicString())
            case "'":
                if i + 2 < s.count, s[i + 1] == "'", s[i + 2] == "'" { throw fail("multi-line strings are not supported in themes") }
                return .string(try parseLiteralString())
            case "[": return try parseArray()
            case "{": return try parseInlineTable()
            default:
                var word = ""
                while let c = peek, !(c == " " || c == "\t" || c == "\n" || c == "\r" || c == "," || c == "]" || c == "}" || c == "#") {
                    word.unicodeScalars.append(c)
                    i += 1
                }
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                if let n = integer(word) { return .integer(n) }
                if word.isEmpty { throw fail("expected a value") }
                throw fail("unsupported value \(word) (themes use strings, whole numbers, true/false, arrays and { } tables)")
            }
        }

        func integer(_ word: String) -> Int? {
            var w = word.replacingUnderscores()
            var sign = 1
            if w.hasPrefix("+") { w.removeFirst() } else if w.hasPrefix("-") { sign = -1; w.removeFirst() }
            var digits = Substring(w), radix = 10
            if w.hasPrefix("0x") { digits = w.dropFirst(2); radix = 16 }
            // Digits only (Int(_:radix:) would take a second sign), and no overflow when negated.
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && (radix == 16 ? $0.isHexDigit : $0.isNumber) }),
                  let n = Int(digits, radix: radix) else { return nil }
            return sign < 0 ? -n : n
        }

        /// Enters one more level of arrays or inline tables.
        mutating func nest() throws(SyntaxError) {
            depth += 1
            guard depth + current.count <= MiniTOML.maxDepth else {
                throw fail("arrays and { } tables are nested more than \(MiniTOML.maxDepth) levels deep (a theme needs a few)")
            }
        }

        mutating func parseArray() throws(SyntaxError) -> Value {
            try nest()
            defer { depth -= 1 }
            i += 1
            var items: [Node] = []
            while true {
                skipBlank()
                if peek == "]" { i += 1; return .array(items) }
                let itemLine = line
                items.append(Node(value: try parseValue(), line: itemLine))
                skipBlank()
                if peek == "," { i += 1; continue }
                skipBlank()
                guard peek == "]" else { throw fail("expected , or ] in the array") }
            }
        }

        mutating func parseInlineTable() throws(SyntaxError) -> Value {
            try nest()
            defer { depth -= 1 }
            i += 1
            var table = Table()
            skipSpaces()
            if peek == "}" { i += 1; return .table(table) }
            while true {
                skipSpaces()
                let keyLine = line
                let path = try parseKeyPath()
                skipSpaces()
                guard peek == "=" else { throw fail("expected = after the key") }
                i += 1
                skipSpaces()
                let value = try parseValue()
                try insert(path, Node(value: value, line: keyLine), into: &table)
                skipSpaces()
                if peek == "," { i += 1; continue }
                if peek == "}" { i += 1; return .table(table) }
                throw fail("expected , or } in the inline table (it must stay on one line)")
            }
        }

        mutating func parseBasicString() throws(SyntaxError) -> String {
            i += 1
            var out = ""
            while let c = peek {
                i += 1
                switch c {
                case "\"": return out
                case "\n": throw fail("the string is not closed on this line")
                case "\\":
                    guard let e = peek else { break }
                    i += 1
                    switch e {
                    case "n": out += "\n"
                    case "t": out += "\t"
                    case "r": out += "\r"
                    case "b": out += "\u{8}"
                    case "f": out += "\u{C}"
                    case "\"": out += "\""
                    case "\\": out += "\\"
                    case "u", "U":
                        let n = e == "u" ? 4 : 8
                        guard i + n <= s.count else { throw fail("incomplete \\\(e) escape") }
                        let hex = String(String.UnicodeScalarView(s[i..<(i + n)]))
                        guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw fail("invalid escape \\\(e)\(hex)") }
                        out.unicodeScalars.append(scalar)
                        i += n
                    default: throw fail("invalid escape \\\(String(e)) in a string")
                    }
                default:
                    out.unicodeScalars.append(c)
                }
            }
            throw fail("the string is not closed")
        }

        mutating func parseLiteralString() throws(SyntaxError) -> String {
            i += 1
            var out = ""
            while let c = peek {
                i += 1
                if c == "'" { return out }
                if c == "\n" { throw fail("the string is not closed on this line") }
                out.unicodeScalars.append(c)
            }
            throw fail("the string is not closed")
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
