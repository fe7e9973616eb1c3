/// Masking and redaction of API keys: keys appear only as `sk-ant-…` plus their last four characters.
///
/// `redact` is the one call every output path makes; it covers keys palaver read (registered
/// with ``Redactor/shared``) and anything else that looks like a key.
public enum Secrets {
    /// The display form of a key: `sk-ant-…wxyz`. Short or foreign keys show even less.
    public static func mask(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        guard scalars.count >= 12 else { return "…" }
        let last4 = String(String.UnicodeScalarView(scalars.suffix(4)))
        return key.hasPrefix("sk-ant-") ? "sk-ant-…\(last4)" : "…\(last4)"
    }

    /// Masks every registered key by value (any long piece of it, raw or encoded: see
    /// ``Redactor``) and everything key-shaped (`sk-` followed by key characters).
    public static func redact(_ text: String) -> String {
        redactPattern(Redactor.shared.redact(text))
    }

    /// Masks every run of at least `minimum` key characters (letters, digits, `-`, `_`) whatever
    /// its prefix: for text that may hold a secret palaver never read as a key, such as what a
    /// failing `api_key_helper` printed on standard error.
    public static func redactLongTokens(_ text: String, minimum: Int = 24) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count >= minimum ? mask(run) : run
            run = ""
        }
        for c in text {
            if isKeyCharacter(c) {
                run.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }

    /// Replaces everything key-shaped (`sk-` followed by at least nine key characters) with its mask.
    public static func redactPattern(_ text: String) -> String {
        guard text.contains("sk-") else { return text }
        var out = ""
        var rest = text[...]
        while let range = rest.firstRange(of: "sk-") {
            out += rest[..<range.lowerBound]
            var end = range.upperBound
            while end < rest.endIndex, isKeyCharacter(rest[end]) { end = rest.index(after: end) }
            let candidate = rest[range.lowerBound..<end]
            if candidate.count >= 12 {
                out += mask(String(candidate))
            } else {
                out += candidate
            }
            rest = rest[end...]
        }
        out += rest
        return out
    }

    private static func isKeyCharacter(_ c: Character) -> Bool {
        guard c.isASCII, let v = c.asciiValue else { return false }
        return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x2D
            || v == 0x5F
    }
}
