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

/// The scan of one file: a cursor over its bytes, the line it is on and the brackets open there.
/// ``scan()`` reads the bytes in order; each step below reads one kind of thing and moves `i` past it.
private struct Scanner {
    let bytes: [UInt8]
    let limits: TOMLGuard
    var statements: [TOMLGuard.Statement] = []

    private let n: Int
    /// The line being read (from 1).
    private var line = 1
    /// The next byte to read.
    private var i = 0
    /// The [ and { not closed yet, and the dots of the key each belongs to.
    private var open: [(bracket: UInt8, dots: Int)] = []
    /// The parts of the last [header]: keys under it nest that much deeper.
    private var headerParts = 0
    /// Dots in the key being read (since the last = , [ { ] } or line end).
    private var dots = 0
    /// Where the statement being read starts; nil between statements.
    private var start: (line: Int, offset: Int, isHeader: Bool)?
    /// Just after the last byte of the statement that is not blank or a comment.
    private var end = 0

    init(bytes: [UInt8], limits: TOMLGuard) {
        self.bytes = bytes
        self.limits = limits
        self.n = bytes.count
    }

    private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }

    private static func isKeyStart(_ b: UInt8) -> Bool {
        isDigit(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x2D || b == 0x22
            || b == 0x27
    }

    /// How deep a key or bracket read now nests.
    private var depth: Int { headerParts + open.count + open.reduce(0) { $0 + $1.dots } + dots + 1 }

    mutating func scan() throws(TOMLGuard.Refusal) {
        guard n <= limits.maxSize else { throw limits.tooLarge() }
        // A byte order mark, which toml++ skips.
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < n {
            if try skipBlank() { continue }
            try readToken()
        }
        if let s = start {
            statements.append(.init(line: s.line, range: s.offset..<max(end, s.offset), isHeader: s.isHeader))
        }
    }

    /// Skips a line end, a space, tab or CR, or a comment; false when the byte at `i` is none of these.
    private mutating func skipBlank() throws(TOMLGuard.Refusal) -> Bool {
        switch bytes[i] {
        case 0x0A:
            endLine()
        case 0x20, 0x09, 0x0D:
            i += 1
        case 0x23:
            try skipComment()
        default:
            return false
        }
        return true
    }

    /// Moves past a line end, which ends the statement unless a bracket is still open.
    private mutating func endLine() {
        if open.isEmpty, let s = start {
            statements.append(.init(line: s.line, range: s.offset..<end, isHeader: s.isHeader))
            start = nil
        }
        line += 1
        dots = 0
        i += 1
    }

    /// Skips a comment up to its line end (a NUL in it would still cut the text short).
    private mutating func skipComment() throws(TOMLGuard.Refusal) {
        while i < n, bytes[i] != 0x0A {
            if bytes[i] == 0 { throw limits.nulByte(line: line) }
            i += 1
        }
    }

    /// Reads the byte at `i`, which is not blank, and what starts with it; it may start a statement.
    private mutating func readToken() throws(TOMLGuard.Refusal) {
        let b = bytes[i]
        if b == 0 { throw limits.nulByte(line: line) }
        let atStatementStart = start == nil
        if atStatementStart { start = (line, i, b == 0x5B) }
        switch b {
        case 0x22, 0x27:
            try skipString(quote: b)
            return
        case 0x5B where atStatementStart:
            try readHeader()
            return
        case 0x2E: // a dotted key: toml++ recurses per part
            dots += 1
            guard depth <= limits.maxDepth else { throw limits.tooDeep(line: line, inKey: true) }
        case 0x3D:
            break // the key's dots go on counting for the { } or [ ] after =
        case 0x2C:
            dots = 0
        case 0x5B, 0x7B:
            try openBracket(b)
        case 0x5D, 0x7D:
            try closeBracket(b)
        case 0x30...0x39 where startsDateWithTime():
            try skipDate()
            return
        default:
            break
        }
        i += 1
        end = i
    }

    /// Skips a string from its opening quote (one or three of `quote`) to just after its closing one, or to the
    /// line end for a one-line string left open; a multi-line string counts its lines.
    private mutating func skipString(quote b: UInt8) throws(TOMLGuard.Refusal) {
        let triple = i + 2 < n && bytes[i + 1] == b && bytes[i + 2] == b
        i += triple ? 3 : 1
        while i < n {
            if bytes[i] == 0 { throw limits.nulByte(line: line) }
            if bytes[i] == 0x5C, b == 0x22, i + 1 < n {
                try skipEscape()
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
    }

    /// Skips a backslash in a basic string and the byte after it, refusing a NUL and a `\u0000` escape.
    private mutating func skipEscape() throws(TOMLGuard.Refusal) {
        if bytes[i + 1] == 0 { throw limits.nulByte(line: line) }
        if isNulEscape(at: i) { throw limits.nulEscape(line: line) }
        if bytes[i + 1] == 0x0A { line += 1 }
        i += 2
    }

    /// Whether the backslash at `j` starts `\u0000` or `\U00000000`: a NUL in a key, which
    /// TOMLKit cuts short and then cannot find (a trap), in a value or in a table header's name.
    private func isNulEscape(at j: Int) -> Bool {
        guard j + 1 < n, bytes[j] == 0x5C else { return false }
        let width = bytes[j + 1] == 0x75 ? 4 : bytes[j + 1] == 0x55 ? 8 : 0
        return width > 0 && j + 2 + width <= n && bytes[(j + 2)..<(j + 2 + width)].allSatisfy { $0 == 0x30 }
    }

    /// Reads a table header, `[name]` or `[[name]]`, to its line end or comment; its parts are how deep the
    /// keys under it start.
    private mutating func readHeader() throws(TOMLGuard.Refusal) {
        var j = i + 1
        if j < n, bytes[j] == 0x5B { j += 1 }
        while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
        guard j < n, Self.isKeyStart(bytes[j]) else {
            throw TOMLGuard.Refusal(line: line, message: "a table header must start with a name, as in [name]")
        }
        var parts = 1
        while i < n, bytes[i] != 0x0A, bytes[i] != 0x23 {
            if bytes[i] == 0 { throw limits.nulByte(line: line) }
            // A quoted part of the name may hold escapes too ([styles."\u0000x"] trapped TOMLKit's iterator).
            if isNulEscape(at: i) { throw limits.nulEscape(line: line) }
            if bytes[i] == 0x2E { parts += 1 } // may count a dot in a quoted part: too many is safe
            guard parts <= limits.maxDepth else { throw limits.tooDeep(line: line, inKey: true) }
            if bytes[i] != 0x20, bytes[i] != 0x09, bytes[i] != 0x0D { end = i + 1 }
            i += 1
        }
        headerParts = parts
    }

    /// Opens an array `[` or an inline table `{` (not a header): one level deeper, plus its key's dots.
    private mutating func openBracket(_ b: UInt8) throws(TOMLGuard.Refusal) {
        open.append((b, dots))
        dots = 0
        guard depth <= limits.maxDepth else { throw limits.tooDeep(line: line, inKey: false) }
    }

    /// Closes the last open bracket with `]` or `}` (toml++ asserts on a stray or mismatched one).
    private mutating func closeBracket(_ b: UInt8) throws(TOMLGuard.Refusal) {
        dots = 0
        let opener = open.popLast()?.bracket
        guard opener == b - 2 else {
            let what = opener.map { "does not match the open \(Character(Unicode.Scalar($0)))" } ?? "closes nothing"
            throw TOMLGuard.Refusal(line: line, message: "\(Character(Unicode.Scalar(b))) \(what)")
        }
    }

    /// Whether the digit at `i` starts a date with a time: `YYYY-MM-DD`, then `T`, `t` or a space and a digit.
    private func startsDateWithTime() -> Bool {
        i + 11 < n && bytes[i + 4] == 0x2D && bytes[i + 7] == 0x2D
            && (bytes[i + 10] == 0x54 || bytes[i + 10] == 0x74
                || (bytes[i + 10] == 0x20 && Self.isDigit(bytes[i + 11])))
    }

    /// Skips a date with a time up to its time, which must start with `HH:` (toml++ asserts otherwise).
    private mutating func skipDate() throws(TOMLGuard.Refusal) {
        let t = i + 11
        if bytes[i..<t].contains(0) { throw limits.nulByte(line: line) }
        guard t + 2 < n, Self.isDigit(bytes[t]), Self.isDigit(bytes[t + 1]), bytes[t + 2] == 0x3A else {
            throw TOMLGuard.Refusal(
                line: line, message: "a date's time must be written HH:MM:SS, as in 1979-05-27T07:32:00Z")
        }
        i = t
        end = i
    }
}
