#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small, allocation-lean JSON reader over UTF-8 bytes.
///
/// Foundation's `JSONDecoder` costs several microseconds per streamed event, which caps a
/// stream of small text deltas far below the throughput goal (see `Benchmarks/`). This reader
/// parses in place and lets the stream decoder pull only the members it needs, skipping the
/// rest without building values. It accepts RFC 8259 JSON; invalid UTF-8 inside strings is
/// replaced with U+FFFD rather than rejected, because a reply must never be lost to one bad byte.
struct JSONParser {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private(set) var position = 0
    static let maxDepth = 512

    init(_ buffer: UnsafeRawBufferPointer) {
        // An empty buffer may have a nil base address; point at a static byte instead.
        if let address = buffer.baseAddress {
            base = address.assumingMemoryBound(to: UInt8.self)
        } else {
            base = JSONParser.emptyByte
        }
        count = buffer.count
    }

    nonisolated(unsafe) private static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    static func parseDocument(_ buffer: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(buffer)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.error("unexpected data after the value") }
        return value
    }

    var atEnd: Bool { position >= count }

    func error(_ reason: String) -> JSONParseError {
        JSONParseError(offset: position, reason: reason)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < count ? base[position] : nil
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        skipWhitespace()
        guard position < count, base[position] == byte else {
            throw error("expected '\(Character(UnicodeScalar(byte)))'")
        }
        position += 1
    }

    // MARK: Objects, pulled member by member

    /// Starts reading an object: consumes `{`.
    mutating func beginObject() throws(JSONParseError) {
        try expect(UInt8(ascii: "{"))
        pendingFirstMember = true
    }

    private var pendingFirstMember = false

    /// The next member's key as raw bytes (escape-free keys) or decoded text, or `nil` at `}`.
    /// After a key, the caller must consume the value (parse or skip it).
    mutating func nextKey() throws(JSONParseError) -> JSONKey? {
        skipWhitespace()
        guard position < count else { throw error("unterminated object") }
        if base[position] == UInt8(ascii: "}") {
            position += 1
            pendingFirstMember = false
            return nil
        }
        if !pendingFirstMember {
            guard base[position] == UInt8(ascii: ",") else { throw error("expected ',' or '}'") }
            position += 1
            skipWhitespace()
        }
        pendingFirstMember = false
        guard position < count, base[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
        let key = try readStringToken()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Reads a string without building it when it has no escapes: for member names and for
    /// values that are only compared (event and delta types).
    mutating func readStringToken() throws(JSONParseError) -> JSONKey {
        skipWhitespace()
        guard position < count, base[position] == UInt8(ascii: "\"") else { throw error("expected a string") }
        position += 1 // opening quote
        let start = position
        while position < count {
            let b = base[position]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeRawBufferPointer(start: base + start, count: position - start)
                position += 1
                return JSONKey(raw: raw, decoded: nil)
            }
            if b == UInt8(ascii: "\\") {
                position = start - 1
                return JSONKey(raw: nil, decoded: try parseString())
            }
            position += 1
        }
        throw error("unterminated string")
    }

    // MARK: Values

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nested too deeply") }
        guard let byte = peek() else { throw error("unexpected end of data") }
        switch byte {
        case UInt8(ascii: "{"):
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if position < count, base[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < count, base[position] == UInt8(ascii: "\"") else {
                    throw error("expected a member name")
                }
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                members[key] = try parseValue(depth: depth + 1)
                skipWhitespace()
                guard position < count else { throw error("unterminated object") }
                if base[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if base[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if position < count, base[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < count else { throw error("unterminated array") }
                if base[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if base[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(items)
                }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= count, memcmp(base + position, word.utf8Start, n) == 0 else {
            throw error("invalid literal")
        }
        position += n
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let start = position
        var isInteger = true
        if position < count, base[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < count {
            let b = base[position]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                position += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
            {
                isInteger = false
                position += 1
            } else {
                break
            }
        }
        guard position > digitsStart else { throw error("invalid number") }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else {
            position = start
            throw error("invalid number")
        }
        return .double(d)
    }

    mutating func parseInt() throws(JSONParseError) -> Int {
        // Fast path: a plain non-negative integer of up to 18 digits followed by a delimiter.
        skipWhitespace()
        var i = position
        var result = 0
        while i < count, i - position < 18, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") {
            result = result * 10 + Int(base[i] - UInt8(ascii: "0"))
            i += 1
        }
        if i > position, i < count, base[i] != UInt8(ascii: "."), base[i] != UInt8(ascii: "e"),
            base[i] != UInt8(ascii: "E"),
            !(base[i] >= UInt8(ascii: "0") && base[i] <= UInt8(ascii: "9")),
            !(base[position] == UInt8(ascii: "0") && i - position > 1)
        {
            position = i
            return result
        }
        let value = try parseNumber()
        guard let i = value.intValue else { throw error("expected an integer") }
        return i
    }

    /// Parses a string at the current position (after optional whitespace).
    mutating func parseString() throws(JSONParseError) -> String {
        skipWhitespace()
        guard position < count, base[position] == UInt8(ascii: "\"") else { throw error("expected a string") }
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < count {
            let b = base[position]
            if b == UInt8(ascii: "\"") {
                let s = String(
                    decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
                position += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            position += 1
        }
        guard position < count else { throw error("unterminated string") }
        // Slow path: copy while resolving escapes.
        var bytes = [UInt8]()
        bytes.reserveCapacity(position - start + 16)
        bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
        while position < count {
            let b = base[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if b != UInt8(ascii: "\\") {
                bytes.append(b)
                position += 1
                continue
            }
            position += 1
            guard position < count else { break }
            let e = base[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if position + 6 <= count, base[position] == UInt8(ascii: "\\"),
                        base[position + 1] == UInt8(ascii: "u")
                    {
                        let save = position
                        position += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &bytes)
            default:
                throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = base[position]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (scalar >> 6)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (scalar >> 12)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (scalar >> 18)))
            bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Skips one value of any kind without building it.
    mutating func skipValue() throws(JSONParseError) {
        guard let byte = peek() else { throw error("unexpected end of data") }
        switch byte {
        case UInt8(ascii: "\""):
            position += 1
            while position < count {
                let b = base[position]
                if b == UInt8(ascii: "\\") {
                    position += 2
                    continue
                }
                position += 1
                if b == UInt8(ascii: "\"") { return }
            }
            throw error("unterminated string")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Structural validity is checked by building the value; skipping is only used on
            // members we do not need, so counting brackets outside strings is enough.
            var depth = 0
            while position < count {
                let b = base[position]
                if b == UInt8(ascii: "\"") {
                    try skipValue()
                    continue
                }
                position += 1
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                    if depth > JSONParser.maxDepth { throw error("nested too deeply") }
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return }
                }
            }
            throw error("unterminated container")
        default:
            _ = try parseValue(depth: JSONParser.maxDepth - 1)
        }
    }
}

/// An object member name: raw bytes when it had no escapes (the common case), else decoded text.
struct JSONKey {
    let raw: UnsafeRawBufferPointer?
    let decoded: String?

    @inline(__always)
    func equals(_ literal: StaticString) -> Bool {
        if let raw {
            return raw.count == literal.utf8CodeUnitCount
                && (raw.count == 0 || memcmp(raw.baseAddress!, literal.utf8Start, raw.count) == 0)
        }
        return decoded == literal.description
    }

    /// The text of the token.
    var string: String {
        if let raw { return String(decoding: raw, as: UTF8.self) }
        return decoded ?? ""
    }
}
