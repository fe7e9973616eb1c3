/// Terminal column widths of grapheme clusters, from Unicode tables (never from libc or the locale).
///
/// - East Asian Wide and Fullwidth characters (CJK, kana, Hangul syllables, fullwidth forms)
///   and emoji with emoji presentation take two columns.
/// - A character followed by VS16 (U+FE0F) that has an emoji variation (`❤️`, `1️⃣`) takes two.
/// - An emoji ZWJ sequence (`👨‍👩‍👧`), a flag (two regional indicators) and an emoji with a
///   skin-tone modifier take two: the parts after the first add nothing.
/// - Combining marks (Mn, Me, and Mc after a base), format characters (Cf, such as ZWJ, ZWSP,
///   bidi controls; except the soft hyphen), Hangul medial and final jamo take none.
/// - Control characters (Cc) take none here; ``Buffer`` and ``TextSanitizer`` replace them with a
///   visible U+FFFD so they never reach the terminal.
/// - Everything else, including East Asian Ambiguous characters, takes one.
///
/// A cluster never takes more than two columns.
public enum DisplayWidth {
    /// Columns the grapheme cluster takes: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let utf8 = character.utf8
        if utf8.count == 1 {
            let b = utf8.first!
            return b >= 0x20 && b < 0x7F ? 1 : 0
        }
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return 0 }
        var width = of(first)
        var previous = first
        var joined = false
        var emojiBase = isEmojiBase(first)
        while let s = scalars.next() {
            defer { previous = s }
            let v = s.value
            if v == 0xFE0F {
                if width < 2, inTable(previous.value, WidthTables.emojiVariation) { width += 1 }
                continue
            }
            if v == 0x200D {
                joined = true
                continue
            }
            if joined && emojiBase { continue }
            if (0x1F3FB...0x1F3FF).contains(v) && emojiBase { continue }
            if (0x1F1E6...0x1F1FF).contains(v) && (0x1F1E6...0x1F1FF).contains(first.value) { continue }
            if (0xE0020...0xE007F).contains(v) { continue }
            let w = s.properties.generalCategory == .spacingMark ? 0 : of(s)
            if width == 0 && w > 0 { emojiBase = isEmojiBase(s) }
            width += w
        }
        return min(width, 2)
    }

    /// Columns a single code point takes on its own: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : 0 }
        if v < 0xA0 { return 0 }
        if v == 0xAD { return 1 }
        if v < 0x300 { return 1 }
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }
        if v == 0x200B || (0x200C...0x200F).contains(v) || (0x2028...0x202E).contains(v)
            || (0x2060...0x206F).contains(v)
        {
            return 0
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control, .lineSeparator, .paragraphSeparator, .surrogate:
            return 0
        default:
            break
        }
        return inTable(v, WidthTables.wide) ? 2 : 1
    }

    /// Columns the text takes: the sum over its grapheme clusters (control characters count 0).
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for c in text { total += of(c) }
        return total
    }

    /// True when the cluster is or contains a control character (C0, DEL, C1), a line break
    /// (including CR LF) or a line or paragraph separator.
    public static func isControl(_ character: Character) -> Bool {
        let utf8 = character.utf8
        if utf8.count == 1 {
            let b = utf8.first!
            return b < 0x20 || b == 0x7F
        }
        return character.unicodeScalars.contains { s in
            let v = s.value
            return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
        }
    }

    private static func isEmojiBase(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x2000 && (s.properties.isEmoji || s.properties.isEmojiPresentation)
    }

    static func inTable(_ v: UInt32, _ table: [ClosedRange<UInt32>]) -> Bool {
        var lo = 0
        var hi = table.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = table[mid]
            if v < r.lowerBound { hi = mid - 1 } else if v > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }
}

extension StringProtocol {
    /// Columns the text takes on a terminal (see ``DisplayWidth``).
    public var displayWidth: Int { DisplayWidth.of(self) }
}
