/// One line's pass of the ``SyntaxHighlighter``: reads the line's bytes from a start state
/// and produces its tokens and the state the next line starts in.
///
/// Works on UTF-8 bytes; token boundaries fall only on ASCII bytes (non-ASCII bytes count as
/// identifier characters or sit inside strings and comments), so tokens are whole characters.
struct SyntaxLexer {
    let language: SyntaxLanguage
    let bytes: [UInt8]
    var state: SyntaxHighlighter.State
    var tokens: [SyntaxToken] = []
    var position = 0

    init(language: SyntaxLanguage, bytes: [UInt8], state: SyntaxHighlighter.State) {
        self.language = language
        self.bytes = bytes
        self.state = state
    }

    mutating func run() {
        if language.isDiff {
            emit(to: bytes.count, diffKind())
            return
        }
        while position < bytes.count {
            switch state {
            case .blockComment(let depth): continueBlockComment(depth: depth)
            case .string(let rule): continueString(rule: rule)
            case .code: lexCode()
            }
        }
        if case .string(let rule) = state, !language.strings[rule].multiline { state = .code }
    }

    // MARK: Emitting

    /// Adds the bytes from `position` to `end` as one token of `kind`.
    mutating func emit(to end: Int, _ kind: SyntaxTokenKind?) {
        guard end > position else { return }
        let text = String(decoding: bytes[position..<end], as: UTF8.self)
        if let last = tokens.last, last.kind == kind {
            tokens[tokens.count - 1].text += text
        } else {
            tokens.append(SyntaxToken(text, kind))
        }
        position = end
    }

    // MARK: Code

    mutating func lexCode() {
        let b = bytes[position]
        if b == 0x20 || b == 0x09 {
            emit(to: position + 1, nil)
            return
        }
        if let end = lineCommentStart() {
            emit(to: end, .comment)
            return
        }
        if let block = language.blockComment, matches(block.open, at: position) {
            emit(to: position + block.open.utf8.count, .comment)
            state = .blockComment(depth: 1)
            return
        }
        if language.lifetimes, b == UInt8(ascii: "'") {
            lexQuoteOrLifetime()
            return
        }
        if let rule = stringRule(at: position) {
            openString(rule: rule)
            return
        }
        if isDigit(b)
            || (b == UInt8(ascii: ".") && isDigit(byte(at: position + 1)) && !isIdentifier(byte(at: position - 1)))
        {
            emit(to: numberEnd(), .number)
            return
        }
        if isIdentifierStart(b) {
            lexWord()
            return
        }
        if b == UInt8(ascii: "@"), let kind = language.attributeKind, isIdentifierStart(byte(at: position + 1)) {
            emit(to: identifierEnd(from: position + 1), kind)
            return
        }
        if b == UInt8(ascii: "#"), language.hashDirectives, isIdentifierStart(byte(at: position + 1)) {
            emit(to: identifierEnd(from: position + 1), .keyword)
            return
        }
        if b == UInt8(ascii: "$"), language.dollarVariables {
            emit(to: variableEnd(), .type)
            return
        }
        if language.operators.contains(b) {
            var end = position + 1
            while end < bytes.count, language.operators.contains(bytes[end]) { end += 1 }
            emit(to: end, .operator)
            return
        }
        emit(to: position + 1, nil)
    }

    /// The end of the line when a line comment starts here.
    func lineCommentStart() -> Int? {
        for marker in language.lineComments where matches(marker, at: position) {
            if language.lineCommentsAtWordStart, position > 0,
                ![0x20, 0x09, UInt8(ascii: ";"), UInt8(ascii: "(")].contains(bytes[position - 1])
            {
                continue
            }
            return bytes.count
        }
        return nil
    }

    mutating func lexWord() {
        let end = identifierEnd(from: position)
        let word = String(decoding: bytes[position..<end], as: UTF8.self)
        if language.stringPrefixes.contains(word), let rule = stringRule(at: end) {
            openString(rule: rule, from: end)
            return
        }
        let next = byte(at: end)
        let kind: SyntaxTokenKind?
        if language.keywords.contains(word) {
            kind = .keyword
        } else if language.types.contains(word) || (language.capitalizedTypes && isCapitalized(word)) {
            kind = .type
        } else if next == UInt8(ascii: "(")
            || (language.bangMacros && next == UInt8(ascii: "!") && byte(at: end + 1) != UInt8(ascii: "="))
        {
            kind = .function
        } else {
            kind = nil
        }
        emit(to: end, kind)
    }

    /// Rust: `'a'` and `'\n'` are characters, `'a` is a lifetime.
    mutating func lexQuoteOrLifetime() {
        var end = position + 1
        if byte(at: end) == UInt8(ascii: "\\") {
            end += 2
            while end < bytes.count, bytes[end] != UInt8(ascii: "'") { end += 1 }
            emit(to: min(bytes.count, end + 1), .string)
            return
        }
        // One character (one to four UTF-8 bytes), then the closing quote.
        if end < bytes.count {
            var after = end + 1
            while after < bytes.count, bytes[after] & 0xC0 == 0x80 { after += 1 }
            if byte(at: after) == UInt8(ascii: "'") {
                emit(to: after + 1, .string)
                return
            }
        }
        if isIdentifierStart(byte(at: end)) {
            emit(to: identifierEnd(from: end), .type)
        } else {
            emit(to: end, nil)
        }
    }

    // MARK: Strings and comments

    func stringRule(at index: Int) -> Int? {
        language.strings.firstIndex { rule in
            matches(rule.open, at: index)
                && (!isIdentifierStart(rule.open.utf8.first ?? 0) || !isIdentifier(byte(at: index - 1)))
        }
    }

    mutating func openString(rule: Int, from start: Int? = nil) {
        let openEnd = (start ?? position) + language.strings[rule].open.utf8.count
        emit(to: openEnd, .string)
        state = .string(rule: rule)
    }

    mutating func continueString(rule index: Int) {
        let rule = language.strings[index]
        var i = position
        while i < bytes.count {
            if rule.escapes, bytes[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if matches(rule.close, at: i) {
                emit(to: i + rule.close.utf8.count, .string)
                state = .code
                return
            }
            i += 1
        }
        emit(to: bytes.count, .string)
    }

    mutating func continueBlockComment(depth: Int) {
        guard let block = language.blockComment else {
            state = .code
            return
        }
        var i = position
        var depth = depth
        while i < bytes.count {
            if matches(block.close, at: i) {
                i += block.close.utf8.count
                depth -= 1
                if depth == 0 {
                    emit(to: i, .comment)
                    state = .code
                    return
                }
            } else if block.nests, matches(block.open, at: i) {
                i += block.open.utf8.count
                depth += 1
            } else {
                i += 1
            }
        }
        emit(to: bytes.count, .comment)
        state = .blockComment(depth: depth)
    }

    // MARK: Diff

    func diffKind() -> SyntaxTokenKind? {
        let headers = [
            "+++", "---", "diff ", "index ", "new file", "deleted file", "similarity ", "rename ",
            "old mode", "new mode", "Binary files", "copy ",
        ]
        if headers.contains(where: { matches($0, at: 0) }) { return .diffHeader }
        if matches("@@", at: 0) { return .diffHunk }
        switch bytes.first {
        case UInt8(ascii: "+"): return .diffAdded
        case UInt8(ascii: "-"): return .diffRemoved
        default: return nil
        }
    }

    // MARK: Scanning

    func byte(at index: Int) -> UInt8 {
        index >= 0 && index < bytes.count ? bytes[index] : 0
    }

    func matches(_ text: String, at index: Int) -> Bool {
        var i = index
        for b in text.utf8 {
            guard i < bytes.count, bytes[i] == b else { return false }
            i += 1
        }
        return true
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Letters, `_`, the language's extras, and every byte of a non-ASCII character.
    func isIdentifierStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == UInt8(ascii: "_") || b >= 0x80
            || language.identifierExtras.contains(b)
    }

    func isIdentifier(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }

    func identifierEnd(from start: Int) -> Int {
        var end = start
        while end < bytes.count, isIdentifier(bytes[end]) { end += 1 }
        return end
    }

    /// Digits, letters (hex digits, suffixes, exponents), `_`, one decimal point followed by a
    /// digit, and a sign right after an exponent.
    func numberEnd() -> Int {
        var end = position
        var sawPoint = false
        while end < bytes.count {
            let b = bytes[end]
            if isDigit(b) || b == UInt8(ascii: "_") || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) {
                end += 1
            } else if b == UInt8(ascii: "."), !sawPoint, isDigit(byte(at: end + 1)) {
                sawPoint = true
                end += 1
            } else if b == UInt8(ascii: "+") || b == UInt8(ascii: "-"),
                [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains(
                    byte(at: end - 1)),
                isDigit(byte(at: end + 1)), !isHex(upTo: end)
            {
                end += 1
            } else {
                break
            }
        }
        return end
    }

    /// True when the number being read is hexadecimal (where `e` is a digit, not an exponent).
    func isHex(upTo end: Int) -> Bool {
        end - position > 2 && bytes[position] == UInt8(ascii: "0") && bytes[position + 1] | 0x20 == UInt8(ascii: "x")
            && bytes[end - 1] | 0x20 != UInt8(ascii: "p")
    }

    /// `$name`, `${…}`, `$1`, `$?` and friends.
    func variableEnd() -> Int {
        let next = byte(at: position + 1)
        if next == UInt8(ascii: "{") {
            var end = position + 2
            while end < bytes.count, bytes[end] != UInt8(ascii: "}") { end += 1 }
            return min(bytes.count, end + 1)
        }
        if isIdentifierStart(next) { return identifierEnd(from: position + 1) }
        if isDigit(next) || "?#@*!$-".utf8.contains(next) { return position + 2 }
        return position + 1
    }

    func isCapitalized(_ word: String) -> Bool {
        guard let first = word.utf8.first, first >= 0x41, first <= 0x5A else { return false }
        return word.utf8.contains { $0 >= 0x61 && $0 <= 0x7A }
    }
}
