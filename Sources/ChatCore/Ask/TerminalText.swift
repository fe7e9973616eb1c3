import Safety

/// Makes model output safe to print on a terminal: Safety's ``UntrustedText`` rules (escape
/// sequences removed, controls shown as U+FFFD, bidi and invisible formatting shown visibly).
public enum TerminalText {
    public static func sanitize(_ text: String) -> String {
        UntrustedText.sanitize(text)
    }
}
