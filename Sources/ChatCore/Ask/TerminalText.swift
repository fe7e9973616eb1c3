/// Makes model output safe to print on a terminal.
public enum TerminalText {
    /// Removes escape sequences and control characters (keeping newline and tab), so nothing a
    /// server sends can move the cursor, retitle the window or write to the clipboard.
    public static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar.value {
            case 0x0A, 0x09:
                out.append(scalar)
            case 0x1B:
                // Drop ESC and the sequence it starts: CSI (ESC [ … final), OSC (ESC ] … BEL/ST), or one more char.
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
                } else if next == "]" || next == "P" || next == "_" || next == "^" {
                    var previousWasEscape = false
                    while let c = iterator.next() {
                        if c.value == 0x07 || (previousWasEscape && c == "\\") { break }
                        previousWasEscape = c.value == 0x1B
                    }
                }
            case 0x00...0x1F, 0x7F, 0x80...0x9F:
                break
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
