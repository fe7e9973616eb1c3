import Safety

/// Makes untrusted text (model output, pasted text, file names) safe to draw.
///
/// The rules are Safety's ``UntrustedText`` (one sanitiser for every path to a terminal: escape
/// sequences removed whole, other controls shown as U+FFFD, bidi and invisible formatting shown
/// as `<U+…>`, line breaks normalised); on top of that, tabs become spaces up to the next tab
/// stop, because the screen model has no tab cells. Newlines are kept (or become spaces when
/// `keepNewlines` is false).
public enum TextSanitizer {
    public static let replacement: Character = "\u{FFFD}"

    public static func sanitize(_ text: String, tabWidth: Int = 4, keepNewlines: Bool = true) -> String {
        // Fast path: printable ASCII and no controls at all.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        let clean = UntrustedText.sanitize(text, lineBreaks: keepNewlines ? .keep : .space)
        guard clean.utf8.contains(0x09) else { return clean }
        return expandTabs(clean, tabWidth: max(1, tabWidth))
    }

    /// Each tab becomes the spaces up to the next multiple of `tabWidth` columns on its line.
    static func expandTabs(_ text: String, tabWidth: Int) -> String {
        var out = String()
        out.reserveCapacity(text.utf8.count)
        var lineStart = out.utf8.count
        for character in text {
            switch character {
            case "\t":
                let column = DisplayWidth.of(out[out.utf8.index(out.utf8.startIndex, offsetBy: lineStart)...])
                out.append(String(repeating: " ", count: tabWidth - column % tabWidth))
            case "\n":
                out.append(character)
                lineStart = out.utf8.count
            default:
                out.append(character)
            }
        }
        return out
    }
}
