/// Writing any text as a JSON string literal that cannot break out of its quotes: `"` and `\`
/// escaped, control characters and DEL as `\n`, `\r`, `\t` or `\u00XX`, U+2028 and U+2029 as
/// `\u2028`/`\u2029` (they end a line in JavaScript); everything else as UTF-8. The request
/// bodies palaver sends and the content the store keeps are both written with it.
public enum JSONStringLiteral {
    /// Appends `s` to `out` as a quoted literal, copying runs that need no escaping in one append.
    public static func append(_ s: String, to out: inout String) {
        out += "\""
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let (escape, length) = escape(utf8, at: index)
            if let escape {
                out += s[runStart..<index]
                out += escape
                index = utf8.index(index, offsetBy: length)
                runStart = index
            } else {
                index = utf8.index(after: index)
            }
        }
        out += s[runStart..<utf8.endIndex]
        out += "\""
    }

    /// The literal for `s`.
    public static func quoted(_ s: String) -> String {
        var out = ""
        append(s, to: &out)
        return out
    }

    /// What the bytes at `index` become, and how many bytes that covers (nil: copied as they are).
    private static func escape(_ utf8: String.UTF8View, at index: String.UTF8View.Index) -> (String?, Int) {
        let byte = utf8[index]
        switch byte {
        case 0x22: return ("\\\"", 1)
        case 0x5C: return ("\\\\", 1)
        case 0x0A: return ("\\n", 1)
        case 0x0D: return ("\\r", 1)
        case 0x09: return ("\\t", 1)
        case 0x00..<0x20, 0x7F:
            let hex = String(byte, radix: 16)
            return ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, 1)
        case 0xE2:
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            let next = utf8.index(after: index)
            guard next != utf8.endIndex, utf8[next] == 0x80 else { return (nil, 1) }
            let third = utf8.index(after: next)
            guard third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 else { return (nil, 1) }
            return (utf8[third] == 0xA8 ? "\\u2028" : "\\u2029", 3)
        default:
            return (nil, 1)
        }
    }
}
