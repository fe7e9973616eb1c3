import AnthropicAPI

/// One thing wrong (or worth knowing) about a candidate key, found without sending it anywhere.
public struct KeyProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Int, Sendable, Comparable {
        /// Worth knowing; nothing changes.
        case info
        /// Probably wrong, but the key is still tried.
        case warning
        /// Fixed automatically (trimmed); the user should fix the source to silence it.
        case fixed
        /// The key cannot be used as it is; nothing is sent.
        case fatal

        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Code: String, Sendable, Equatable {
        case empty, surroundingWhitespace, innerWhitespace, surroundingQuotes, bearerPrefix, variablePrefix
        case nonASCII, openAIKey, adminKey, oauthToken, unusualLength
    }

    public var code: Code
    public var severity: Severity
    /// What is wrong, in one sentence naming the source.
    public var message: String
    /// The one concrete thing to do about it.
    public var fix: String

    public var description: String { "\(message) \(fix)" }
}

/// The result of looking at a candidate key: the key to use (if any) and what was found.
public struct KeyInspection: Sendable, Equatable {
    /// The key after automatic fixes (trimming), or `nil` when it cannot be used.
    public var key: String?
    /// How it must be sent: OAuth tokens and `ANTHROPIC_AUTH_TOKEN` go as Bearer.
    public var scheme: Credential.Scheme
    public var problems: [KeyProblem]
    /// How many characters (Unicode scalars) the value had as read, before any fix.
    public var inputLength: Int = 0
    /// The parts of the value that may be secret, for redaction by value: the key, or for a
    /// malformed value what stands inside its quotes, after `Bearer ` or `NAME=` (and the whole
    /// `NAME=value` when NAME is not a well-known variable, which may be part of a token). A
    /// well-known variable name is left out, so text naming `ANTHROPIC_API_KEY` is not masked.
    public var secrets: [String] = []

    public var isUsable: Bool { key != nil }
    /// The most serious problem, if any.
    public var worst: KeyProblem? { problems.max { $0.severity < $1.severity } }
    /// The first fatal problem: why the key is malformed.
    public var fatal: KeyProblem? { problems.first { $0.severity == .fatal } }
}

/// Normalises and diagnoses candidate keys: every common way a copied key goes wrong.
public enum KeyDiagnosis {
    /// The length of an `sk-ant-api03-` key as public secret scanners describe it (not published
    /// by Anthropic): other lengths only warn.
    public static let expectedAPIKeyLength = 108

    /// Looks at `raw` as it came from `source` (named in every message).
    ///
    /// The checks run in order and the first fatal one ends the inspection: emptiness, then the
    /// wrapping a copy adds (quotes, `Bearer `, `export NAME=`, `NAME=`), then stray characters,
    /// then keys of the wrong kind; a usable key may still carry a note about its kind or length.
    public static func inspect(_ raw: String, source: KeySource, bearer: Bool = false) -> KeyInspection {
        let phrase = source.keyPhraseCapitalized
        let inputLength = raw.unicodeScalars.count
        var problems: [KeyProblem] = []
        var key = raw
        func refuse(_ found: Unusable) -> KeyInspection {
            problems.append(KeyProblem(code: found.code, severity: .fatal, message: found.message, fix: found.fix))
            return KeyInspection(
                key: nil, scheme: bearer ? .bearer : .apiKey, problems: problems, inputLength: inputLength,
                secrets: found.secrets ?? [key])
        }

        if raw.isEmpty { return refuse(.empty("\(phrase) is empty.")) }
        let (trimmed, leading) = raw.trimmingWhitespaceAndInvisiblesCounted()
        // Positions in messages count from the start of the value as read, so they match what the user sees.
        var offsetInInput = leading
        if trimmed.isEmpty { return refuse(.empty("\(phrase) holds only whitespace.")) }
        if trimmed != raw {
            problems.append(
                KeyProblem(
                    code: .surroundingWhitespace, severity: .fixed,
                    message: "\(phrase) had whitespace or a line break around it; palaver removed it.",
                    fix: "Remove the extra characters \(Self.whereToTrim(source)) to silence this notice."))
            key = trimmed
        }
        if let found = quotesOrBearer(key, phrase) { return refuse(found) }
        if let found = shellAssignment(&key, offsetInInput: &offsetInInput, phrase) { return refuse(found) }
        // `export "sk-…"`: the quotes stand after the shell's word (found by the keydiagnosis fuzz target).
        if let found = quotesOrBearer(key, phrase) { return refuse(found) }
        if let found = strayCharacter(in: key, offsetInInput: offsetInInput, phrase) { return refuse(found) }
        if let found = wrongKind(key, phrase) { return refuse(found) }
        let (scheme, note) = kindNote(key, phrase, bearer: bearer)
        if let note { problems.append(note) }
        return KeyInspection(key: key, scheme: scheme, problems: problems, inputLength: inputLength, secrets: [key])
    }

    /// A problem that makes a key unusable, and what of the value may be secret (`nil`: the key as it stands).
    private struct Unusable {
        var code: KeyProblem.Code
        var message: String
        var fix: String
        var secrets: [String]? = nil

        static func empty(_ message: String) -> Unusable {
            Unusable(
                code: .empty, message: message,
                fix: "Set it to your key from https://console.anthropic.com/settings/keys.", secrets: [])
        }
    }

    /// Quote characters around the key, or a `Bearer ` prefix copied from an HTTP header.
    private static func quotesOrBearer(_ key: String, _ phrase: String) -> Unusable? {
        if let first = key.unicodeScalars.first, let last = key.unicodeScalars.last,
            quoteScalars.contains(first) || quoteScalars.contains(last)
        {
            // Name only the quote characters: the other end is part of the key.
            let ends = [
                quoteScalars.contains(first) ? "\(first) at the start" : nil,
                quoteScalars.contains(last) ? "\(last) at the end" : nil,
            ]
            return Unusable(
                code: .surroundingQuotes,
                message:
                    "\(phrase) is wrapped in quote characters (\(ends.compactMap { $0 }.joined(separator: ", "))), likely from a copy.",
                fix: "Remove the quotes so only the key remains.", secrets: [unquoted(key)])
        }
        if key.lowercased().hasPrefix("bearer ") || key.lowercased().hasPrefix("bearer\t") {
            return Unusable(
                code: .bearerPrefix, message: "\(phrase) starts with \"Bearer \", copied from an HTTP header.",
                fix: "Keep only the part after \"Bearer \".", secrets: [String(key.dropFirst("bearer ".count))])
        }
        return nil
    }

    /// A shell line: `export NAME=key` or `NAME=key`. A bare `export ` is dropped from `key`
    /// (moving `offsetInInput` past it) and the rest is inspected on.
    private static func shellAssignment(_ key: inout String, offsetInInput: inout Int, _ phrase: String) -> Unusable? {
        if key.hasPrefix("export ") {
            let (rest, skipped) = String(key.dropFirst("export ".count)).trimmingWhitespaceAndInvisiblesCounted()
            key = rest
            offsetInInput += "export ".count + skipped
            if let eq = key.firstIndex(of: "=") {
                // What stands before "=" may be the key itself (`export sk-ant-…=x`): name it only when it is a known variable.
                let shown = variableName(key[..<eq]).map { "\"export \($0)=…\"" } ?? "\"export NAME=…\""
                return Unusable(
                    code: .variablePrefix, message: "\(phrase) is a whole shell line (\(shown)).",
                    fix: "Keep only the key, the part after \"=\".", secrets: assignmentSecrets(key, eq))
            }
        }
        if let eq = key.firstIndex(of: "="), eq != key.startIndex,
            key[key.index(after: eq)...].first.map({ $0 != "=" }) ?? false,
            let initial = key.first, initial.isUppercase || initial == "_",
            key[..<eq].allSatisfy({ ($0.isASCII && $0.isUppercase) || $0 == "_" || ($0.isASCII && $0.isNumber) })
        {
            // A `NAME=value` shaped gateway token would be echoed whole by naming NAME: only known variables are named.
            let shown = variableName(key[..<eq]).map { "\"\($0)=\"" } ?? "a variable name and \"=\""
            return Unusable(
                code: .variablePrefix, message: "\(phrase) starts with \(shown), as if copied from a shell line.",
                fix: "Keep only the key, the part after \"=\".", secrets: assignmentSecrets(key, eq))
        }
        return nil
    }

    /// The first character a key cannot hold: non-ASCII (look-alikes named), whitespace or a control character.
    private static func strayCharacter(in key: String, offsetInInput: Int, _ phrase: String) -> Unusable? {
        for (offset, scalar) in key.unicodeScalars.enumerated() {
            let position = offsetInInput + offset + 1
            if !scalar.isASCII {
                let name =
                    lookAlikeNames[scalar.value] ?? scalar.properties.name?.lowercased() ?? "a non-ASCII character"
                return Unusable(
                    code: .nonASCII,
                    message:
                        "\(phrase) contains \(name) (U+\(String(scalar.value, radix: 16, uppercase: true))) at character \(position); keys are plain ASCII.",
                    fix:
                        "Type or copy the key again from the Console; a word processor or chat app may have changed it."
                )
            }
            if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                return Unusable(
                    code: .innerWhitespace,
                    message:
                        "\(phrase) has a space, line break or control character inside it (character \(position)).",
                    fix: "Copy the key again in one piece.")
            }
        }
        return nil
    }

    /// A key that cannot call the Messages API: an OpenAI key or an Anthropic Admin key.
    private static func wrongKind(_ key: String, _ phrase: String) -> Unusable? {
        if key.hasPrefix("sk-proj-") || key.hasPrefix("sk-svcacct-")
            || (key.hasPrefix("sk-") && !key.hasPrefix("sk-ant-") && key.count >= 40)
        {
            return Unusable(
                code: .openAIKey, message: "\(phrase) looks like an OpenAI key, not an Anthropic one.",
                fix: "Use an Anthropic key (it starts with sk-ant-) from https://console.anthropic.com/settings/keys.")
        }
        if key.hasPrefix("sk-ant-admin") {
            return Unusable(
                code: .adminKey, message: "\(phrase) is an Anthropic Admin key, which cannot call the Messages API.",
                fix:
                    "Use a regular API key (one that starts with sk-ant-api) from https://console.anthropic.com/settings/keys."
            )
        }
        return nil
    }

    /// How a usable key is sent, and what is worth saying about it: an OAuth token goes as Bearer;
    /// an API key of an unusual length, or a value not shaped like an Anthropic key, is warned about.
    private static func kindNote(_ key: String, _ phrase: String, bearer: Bool) -> (Credential.Scheme, KeyProblem?) {
        if key.hasPrefix("sk-ant-oat") {
            return (
                .bearer,
                KeyProblem(
                    code: .oauthToken, severity: .info,
                    message: "\(phrase) is an OAuth token; palaver sends it as a Bearer token.",
                    fix: "Nothing to do.")
            )
        }
        let scheme: Credential.Scheme = bearer ? .bearer : .apiKey
        if key.hasPrefix("sk-ant-api") && key.count != expectedAPIKeyLength {
            return (
                scheme,
                KeyProblem(
                    code: .unusualLength, severity: .warning,
                    message:
                        "\(phrase) is \(key.count) characters long; Anthropic API keys are usually \(expectedAPIKeyLength).",
                    fix: "If the server rejects it, copy the key again; part of it may be missing.")
            )
        }
        if !key.hasPrefix("sk-ant-") && !bearer {
            return (
                scheme,
                KeyProblem(
                    code: .unusualLength, severity: .warning,
                    message: "\(phrase) does not start with sk-ant- like Anthropic API keys do.",
                    fix:
                        "If the server rejects it, check that this is an Anthropic key (a gateway token belongs in ANTHROPIC_AUTH_TOKEN)."
                )
            )
        }
        return (scheme, nil)
    }

    /// What may be secret in `NAME=value`: the value, and the whole when NAME is not well known.
    private static func assignmentSecrets(_ text: String, _ eq: String.Index) -> [String] {
        let value = String(text[text.index(after: eq)...])
        return variableName(text[..<eq]) == nil ? [value, text] : [value]
    }

    /// Variable names a key is commonly exported under: the only text before "=" a message may repeat.
    static let knownVariableNames: Set<String> = [
        "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_API_KEY", "ANTHROPIC_KEY", "API_KEY", "OPENAI_API_KEY",
    ]

    private static func variableName(_ text: Substring) -> String? {
        knownVariableNames.contains(String(text)) ? String(text) : nil
    }

    /// `text` without the quote characters at either end.
    static func unquoted(_ text: String) -> String {
        var inside = text.unicodeScalars[...]
        while let f = inside.first, quoteScalars.contains(f) { inside.removeFirst() }
        while let l = inside.last, quoteScalars.contains(l) { inside.removeLast() }
        return String(String.UnicodeScalarView(inside))
    }

    static let quoteScalars: Set<Unicode.Scalar> = [
        "\"", "'", "`", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}", "\u{00AB}", "\u{00BB}",
    ]

    private static let lookAlikeNames: [UInt32: String] = [
        0x200B: "a zero-width space", 0x200C: "a zero-width non-joiner", 0x200D: "a zero-width joiner",
        0xFEFF: "a byte-order mark", 0x00A0: "a non-breaking space", 0x2011: "a non-breaking hyphen",
        0x2010: "a Unicode hyphen", 0x2013: "an en dash", 0x2014: "an em dash", 0x2212: "a minus sign",
        0x201C: "a smart quote", 0x201D: "a smart quote", 0x2018: "a smart quote", 0x2019: "a smart quote",
    ]
}

extension String {
    /// Trims whitespace, line breaks and invisible format characters (zero-width space, BOM) at both ends.
    func trimmingWhitespaceAndInvisibles() -> String {
        trimmingWhitespaceAndInvisiblesCounted().trimmed
    }

    /// The same trim, with how many scalars were removed at the start.
    func trimmingWhitespaceAndInvisiblesCounted() -> (trimmed: String, leading: Int) {
        let invisible: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060]
        func strip(_ s: Unicode.Scalar) -> Bool {
            s.properties.isWhitespace || invisible.contains(s.value) || s.value < 0x20 || s.value == 0x7F
        }
        var scalars = Substring(self).unicodeScalars[...]
        var leading = 0
        while let f = scalars.first, strip(f) {
            scalars.removeFirst()
            leading += 1
        }
        while let l = scalars.last, strip(l) { scalars.removeLast() }
        return (String(String.UnicodeScalarView(scalars)), leading)
    }
}

extension KeyDiagnosis {
    /// Where the user removes stray characters around a key from `source`, as words.
    static func whereToTrim(_ source: KeySource) -> String {
        switch source {
        case .session: return "from what you paste"
        case .environment(let name): return "from \(name)"
        case .helper: return "from what api_key_helper prints"
        case .credentialsFile: return "from the credentials file"
        case .profile(let name): return "from profile \(name) in the credentials file"
        }
    }

    /// `text` less one trailing line break, the one `echo` or a here-string adds when a key is
    /// piped in or printed by a helper: that one is expected and never warned about.
    public static func droppingEchoedLineBreak(_ text: String) -> String {
        guard text.unicodeScalars.last == "\n" else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.dropLast()))
    }
}
