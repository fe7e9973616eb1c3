/// Makes untrusted text (model output, pasted text, file names) safe to draw.
///
/// Escape sequences are removed whole (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, DCS/APC/PM/SOS
/// strings, and two-byte `ESC x`), tabs become spaces up to the next tab stop, CR LF and lone CR
/// become LF, and every other control character (C0, DEL, C1) becomes U+FFFD so it is visible
/// but inert. Newlines are kept (or replaced when `keepNewlines` is false).
public enum TextSanitizer {
    public static let replacement: Character = "\u{FFFD}"

    public static func sanitize(_ text: String, tabWidth: Int = 4, keepNewlines: Bool = true) -> String {
        // Fast path: printable ASCII and no controls at all.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = String()
        out.reserveCapacity(text.utf8.count)
        var lineStart = 0 // UTF-8 offset in `out` where the current line starts
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func skipString(from start: Int) -> Int {
            // Skips to after BEL or ST (ESC \ or U+009C).
            var j = start
            while j < scalars.count {
                let v = scalars[j].value
                if v == 0x07 || v == 0x9C { return j + 1 }
                if v == 0x1B, j + 1 < scalars.count, scalars[j + 1] == "\\" { return j + 2 }
                j += 1
            }
            return j
        }
        while i < scalars.count {
            let s = scalars[i]
            let v = s.value
            switch v {
            case 0x1B:
                guard i + 1 < scalars.count else { i += 1; continue }
                let next = scalars[i + 1].value
                if next == 0x5B { // CSI: parameters, intermediates, one final byte.
                    var j = i + 2
                    while j < scalars.count, (0x20...0x3F).contains(scalars[j].value) { j += 1 }
                    i = j < scalars.count && (0x40...0x7E).contains(scalars[j].value) ? j + 1 : j
                } else if next == 0x5D || next == 0x50 || next == 0x5F || next == 0x5E || next == 0x58 {
                    i = skipString(from: i + 2)
                } else {
                    // ESC, intermediates (such as `(`), one final byte.
                    var j = i + 1
                    while j < scalars.count, (0x20...0x2F).contains(scalars[j].value) { j += 1 }
                    i = j < scalars.count && (0x30...0x7E).contains(scalars[j].value) ? j + 1 : j
                }
                continue
            case 0x9B: // 8-bit CSI
                var j = i + 1
                while j < scalars.count, (0x20...0x3F).contains(scalars[j].value) { j += 1 }
                i = j < scalars.count && (0x40...0x7E).contains(scalars[j].value) ? j + 1 : j
                continue
            case 0x9D, 0x90, 0x9F, 0x9E, 0x98:
                i = skipString(from: i + 1)
                continue
            case 0x09:
                let column = DisplayWidth.of(out[out.utf8.index(out.utf8.startIndex, offsetBy: lineStart)...])
                let stop = max(1, tabWidth)
                out.append(String(repeating: " ", count: stop - column % stop))
            case 0x0D, 0x0A, 0x2028, 0x2029:
                if v == 0x0D, i + 1 < scalars.count, scalars[i + 1].value == 0x0A { i += 1 }
                out.append(keepNewlines ? "\n" : " ")
                lineStart = out.utf8.count
            case 0..<0x20, 0x7F...0x9F:
                out.unicodeScalars.append("\u{FFFD}")
            default:
                out.unicodeScalars.append(s)
            }
            i += 1
        }
        return out
    }
}
