/// The one sanitiser for untrusted text on its way to a terminal: server replies and errors,
/// model ids, titles, file contents, the environment.
///
/// - Escape sequences are removed whole: CSI (`ESC [ … final`), OSC, DCS, APC, PM and SOS strings
///   (up to BEL or ST), two-byte `ESC x`, and their 8-bit C1 forms. Nothing can move the cursor,
///   retitle the window, write the clipboard (OSC 52) or clear the screen.
/// - Every other control character (C0 but tab and line breaks, DEL, C1) becomes U+FFFD: visible,
///   inert.
/// - CR LF and a lone CR become LF, as do U+2028 and U+2029 (or a space, for one-line fields).
/// - Characters that change how text *looks* without being seen (bidi overrides, embeddings and
///   isolates, directional marks, zero-width spaces, word joiners, BOMs, tag characters) are shown
///   as `<U+202E>`, so reordered or hidden text cannot pass for something it is not. Zero-width
///   joiners stay: emoji sequences and many scripts need them and they reorder nothing.
///
/// Sanitising is idempotent: sanitising sanitised text changes nothing.
public enum UntrustedText {
    /// What happens to line breaks.
    public enum LineBreaks: Sendable {
        /// Kept, normalised to LF.
        case keep
        /// Each becomes one space (titles, model ids, one-line messages).
        case space
    }

    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// `text` made safe to print on a terminal; tabs are kept as tabs (see ``LineBreaks``).
    public static func sanitize(_ text: String, lineBreaks: LineBreaks = .keep) -> String {
        // Fast path: printable ASCII (and, when kept, LF and tab).
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || (lineBreaks == .keep && $0 == 0x0A) }) {
            return text
        }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            switch v {
            case 0x1B:
                i = endOfEscape(scalars, at: i)
                continue
            case 0x9B: // 8-bit CSI
                i = endOfControlSequence(scalars, from: i + 1)
                continue
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F: // 8-bit DCS, SOS, OSC, PM, APC
                i = endOfString(scalars, from: i + 1)
                continue
            case 0x09:
                out.append("\t") // harmless; a screen that has no tab cells expands it
            case 0x0D, 0x0A, 0x2028, 0x2029:
                if v == 0x0D, i + 1 < scalars.count, scalars[i + 1].value == 0x0A { i += 1 }
                out.append(lineBreaks == .keep ? "\n" : " ")
            case 0..<0x20, 0x7F...0x9F:
                out.append(replacement)
            default:
                if isHiddenFormatting(v) {
                    out.append(contentsOf: "<U+\(hex(v))>".unicodeScalars)
                } else {
                    out.append(scalars[i])
                }
            }
            i += 1
        }
        return String(out)
    }

    /// Whether `text` would come out of ``sanitize(_:lineBreaks:)`` unchanged.
    public static func isSafe(_ text: String, lineBreaks: LineBreaks = .keep) -> Bool {
        sanitize(text, lineBreaks: lineBreaks) == text
    }

    /// Bidi controls and invisible characters that are shown as their code point.
    public static func isHiddenFormatting(_ v: UInt32) -> Bool {
        switch v {
        case 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069,
            0x206A...0x206F, 0x180E, 0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    private static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// After `ESC …` starting at `i`: CSI, a string (OSC, DCS, SOS, PM, APC), or ESC with
    /// intermediates and one final byte. A lone ESC at the end is dropped.
    private static func endOfEscape(_ s: [Unicode.Scalar], at i: Int) -> Int {
        guard i + 1 < s.count else { return i + 1 }
        switch s[i + 1].value {
        case 0x5B: return endOfControlSequence(s, from: i + 2)
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F: return endOfString(s, from: i + 2)
        default:
            var j = i + 1
            while j < s.count, (0x20...0x2F).contains(s[j].value) { j += 1 }
            return j < s.count && (0x30...0x7E).contains(s[j].value) ? j + 1 : j
        }
    }

    /// Parameters and intermediates, then one final byte (a malformed sequence ends at the first
    /// byte that cannot belong to it, which is kept).
    private static func endOfControlSequence(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        while j < s.count, (0x20...0x3F).contains(s[j].value) { j += 1 }
        return j < s.count && (0x40...0x7E).contains(s[j].value) ? j + 1 : j
    }

    /// Up to and including BEL or ST (`ESC \` or U+009C); an unterminated string runs to the end.
    private static func endOfString(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var j = start
        while j < s.count {
            let v = s[j].value
            if v == 0x07 || v == 0x9C { return j + 1 }
            if v == 0x1B, j + 1 < s.count, s[j + 1] == "\\" { return j + 2 }
            j += 1
        }
        return j
    }
}
