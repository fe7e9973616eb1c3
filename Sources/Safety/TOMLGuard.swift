/// The one check every TOML file passes before TOMLKit reads it (config.toml, themes).
///
/// TOMLKit wraps toml++, which recurses once per level of nesting (a deep file overflows the
/// stack), asserts on some shapes (an abort in a debug build) and reads a C string (a NUL ends
/// the text, so whatever follows is silently dropped; a key holding `\u0000` traps TOMLKit's
/// table iterator). The guard scans the bytes without reading any value and refuses, with a
/// message and (when it is about one place) the line:
/// - a file over ``maxSize`` bytes;
/// - a NUL byte, or a `\u0000` / `\U00000000` escape in a basic string;
/// - keys and brackets nested deeper than ``maxDepth``, counting the parts of the last `[header]`,
///   the dotted parts of the keys and every open `[` and `{` (toml++ recurses for each);
/// - a table header that does not start with a name, a stray or mismatched `]` or `}`, and a date
///   whose time does not start with `HH:` (toml++ asserts on these).
///
/// A byte order mark at the start is skipped, as toml++ skips it. Lines are counted in LF bytes.
/// On success it returns where each statement (a `[header]` or a `key = value`, over several lines
/// for arrays and multi-line strings) starts, so a reader can name the line of a key it rejects.
///
/// A pure byte scanner: it depends on nothing, and a statement of a file it accepted is itself
/// input it accepts.
public struct TOMLGuard: Sendable {
    /// One statement of the file.
    public struct Statement: Sendable, Equatable {
        /// The line it starts on (from 1).
        public var line: Int
        /// Its bytes in the text, comments and the line end left out.
        public var range: Range<Int>
        /// Whether it is a `[table]` or `[[array]]` header.
        public var isHeader: Bool

        public init(line: Int, range: Range<Int>, isHeader: Bool) {
            self.line = line
            self.range = range
            self.isHeader = isHeader
        }
    }

    /// Why a text must not be given to TOMLKit; `line` is nil for the file as a whole.
    public struct Refusal: Error, Sendable, Equatable {
        public var line: Int?
        public var message: String

        public init(line: Int?, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// The largest file, in bytes.
    public var maxSize: Int
    /// The deepest nesting (see the type's description); toml++ is safe far deeper, files need a few.
    public var maxDepth: Int
    /// What the file is, with its article, for messages: "a theme", "a config file".
    public var fileKind: String

    public init(maxSize: Int, maxDepth: Int, fileKind: String) {
        self.maxSize = maxSize
        self.maxDepth = maxDepth
        self.fileKind = fileKind
    }

    /// Checks the UTF-8 bytes of `text`.
    public func check(_ text: String) throws(Refusal) -> [Statement] {
        try check(Array(text.utf8))
    }

    /// Checks `bytes` (UTF-8) and returns its statements in order; statement ranges index `bytes`.
    public func check(_ bytes: [UInt8]) throws(Refusal) -> [Statement] {
        var scanner = Scanner(bytes: bytes, limits: self)
        try scanner.scan()
        return scanner.statements
    }

    // MARK: - Messages

    var sizeText: String {
        maxSize % (1 << 20) == 0
            ? "\(maxSize >> 20) MiB" : maxSize % 1024 == 0 ? "\(maxSize >> 10) KiB" : "\(maxSize) bytes"
    }

    func tooLarge() -> Refusal {
        Refusal(line: nil, message: "the file is larger than \(sizeText); \(fileKind) is a few KiB")
    }

    func nulByte(line: Int) -> Refusal {
        Refusal(line: line, message: "the file has a NUL byte (\(fileKind) is text)")
    }

    func nulEscape(line: Int) -> Refusal {
        Refusal(line: line, message: "a string holds \\u0000 (NUL), which \(fileKind) cannot use")
    }

    func tooDeep(line: Int, inKey: Bool) -> Refusal {
        Refusal(
            line: line,
            message: inKey
                ? "the key is more than \(maxDepth) parts deep: more than \(maxDepth) dotted parts, counting its [table] and the { } around it (\(fileKind) needs a few)"
                : "arrays and { } tables are nested more than \(maxDepth) levels deep (\(fileKind) needs a few)")
    }
}

// MARK: - Scanning

private struct Scanner {
    let bytes: [UInt8]
    let limits: TOMLGuard
    var statements: [TOMLGuard.Statement] = []

    init(bytes: [UInt8], limits: TOMLGuard) {
        self.bytes = bytes
        self.limits = limits
    }

    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }

    private static func isKeyStart(_ b: UInt8) -> Bool {
        isDigit(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x2D || b == 0x22
            || b == 0x27
    }

    mutating func scan() throws(TOMLGuard.Refusal) {
        let n = bytes.count
        guard n <= limits.maxSize else { throw limits.tooLarge() }
        let maxDepth = limits.maxDepth
        var line = 1
        var i = 0
        // A byte order mark, which toml++ skips.
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        // The [ and { not closed yet, and the dots of the key each belongs to.
        var open: [(bracket: UInt8, dots: Int)] = []
        var headerParts = 0 // the parts of the last [header]: keys under it nest that much deeper
        var dots = 0 // dots in the key being read (since the last = , [ { ] } or line end)
        var start: (line: Int, offset: Int, isHeader: Bool)?
        var end = 0 // just after the last byte of the statement that is not blank or a comment

        func depth() -> Int { headerParts + open.count + open.reduce(0) { $0 + $1.dots } + dots + 1 }

        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                if open.isEmpty, let s = start {
                    statements.append(.init(line: s.line, range: s.offset..<end, isHeader: s.isHeader))
                    start = nil
                }
                line += 1
                dots = 0
                i += 1
                continue
            }
            if b == 0x20 || b == 0x09 || b == 0x0D {
                i += 1
                continue
            }
            if b == 0x23 { // a comment (a NUL in it would still cut the text short)
                while i < n, bytes[i] != 0x0A {
                    if bytes[i] == 0 { throw limits.nulByte(line: line) }
                    i += 1
                }
                continue
            }
            if b == 0 { throw limits.nulByte(line: line) }
            let atStatementStart = start == nil
            if atStatementStart { start = (line, i, b == 0x5B) }
            switch b {
            case 0x22, 0x27: // a string: skip it (multi-line ones count their lines)
                let triple = i + 2 < n && bytes[i + 1] == b && bytes[i + 2] == b
                i += triple ? 3 : 1
                while i < n {
                    if bytes[i] == 0 { throw limits.nulByte(line: line) }
                    if bytes[i] == 0x5C, b == 0x22, i + 1 < n {
                        if bytes[i + 1] == 0 { throw limits.nulByte(line: line) }
                        // \u0000 would put a NUL in a key, which TOMLKit cuts short and then cannot find (a trap).
                        let width = bytes[i + 1] == 0x75 ? 4 : bytes[i + 1] == 0x55 ? 8 : 0
                        if width > 0, i + 2 + width <= n, bytes[(i + 2)..<(i + 2 + width)].allSatisfy({ $0 == 0x30 }) {
                            throw limits.nulEscape(line: line)
                        }
                        if bytes[i + 1] == 0x0A { line += 1 }
                        i += 2
                        continue
                    }
                    if bytes[i] == b, !triple || (i + 2 < n && bytes[i + 1] == b && bytes[i + 2] == b) {
                        i += triple ? 3 : 1
                        break
                    }
                    if bytes[i] == 0x0A {
                        if !triple { break }
                        line += 1
                    }
                    i += 1
                }
                end = i
                continue
            case 0x5B where atStatementStart: // a table header: [name] or [[name]], on one line
                var j = i + 1
                if j < n, bytes[j] == 0x5B { j += 1 }
                while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                guard j < n, Self.isKeyStart(bytes[j]) else {
                    throw TOMLGuard.Refusal(line: line, message: "a table header must start with a name, as in [name]")
                }
                var parts = 1
                while i < n, bytes[i] != 0x0A, bytes[i] != 0x23 {
                    if bytes[i] == 0 { throw limits.nulByte(line: line) }
                    if bytes[i] == 0x2E { parts += 1 } // may count a dot in a quoted part: too many is safe
                    guard parts <= maxDepth else { throw limits.tooDeep(line: line, inKey: true) }
                    if bytes[i] != 0x20, bytes[i] != 0x09, bytes[i] != 0x0D { end = i + 1 }
                    i += 1
                }
                headerParts = parts
                continue
            case 0x2E: // a dotted key: toml++ recurses per part
                dots += 1
                guard depth() <= maxDepth else { throw limits.tooDeep(line: line, inKey: true) }
            case 0x3D:
                break // the key's dots go on counting for the { } or [ ] after =
            case 0x2C:
                dots = 0
            case 0x5B, 0x7B:
                open.append((b, dots))
                dots = 0
                guard depth() <= maxDepth else { throw limits.tooDeep(line: line, inKey: false) }
            case 0x5D, 0x7D: // toml++ asserts on a stray or mismatched closing bracket
                dots = 0
                let opener = open.popLast()?.bracket
                guard opener == b - 2 else {
                    let what =
                        opener.map { "does not match the open \(Character(Unicode.Scalar($0)))" } ?? "closes nothing"
                    throw TOMLGuard.Refusal(line: line, message: "\(Character(Unicode.Scalar(b))) \(what)")
                }
            case 0x30...0x39
            where i + 11 < n && bytes[i + 4] == 0x2D && bytes[i + 7] == 0x2D
                && (bytes[i + 10] == 0x54 || bytes[i + 10] == 0x74
                    || (bytes[i + 10] == 0x20 && Self.isDigit(bytes[i + 11]))):
                // A date with a time (toml++ asserts when the time does not start with HH:).
                let t = i + 11
                if bytes[i..<t].contains(0) { throw limits.nulByte(line: line) }
                guard t + 2 < n, Self.isDigit(bytes[t]), Self.isDigit(bytes[t + 1]), bytes[t + 2] == 0x3A else {
                    throw TOMLGuard.Refusal(
                        line: line, message: "a date's time must be written HH:MM:SS, as in 1979-05-27T07:32:00Z")
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
        if let s = start {
            statements.append(.init(line: s.line, range: s.offset..<max(end, s.offset), isHeader: s.isHeader))
        }
    }
}
