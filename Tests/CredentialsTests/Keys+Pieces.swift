extension Keys {
    /// A well-formed key whose 93 middle characters are random, so no piece of it appears by chance.
    static func random() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return "sk-ant-api03-" + String((0..<93).map { _ in alphabet.randomElement()! }) + "AA"
    }

    /// The 12-character pieces of `secret` that appear in `text`, ignoring pieces that lie wholly
    /// inside a public prefix (`sk-ant-api03-` and the like are not secret).
    static func twelveCharacterPieces(of secret: String, in text: String, publicPrefix: Int? = nil) -> [String] {
        let scalars = Array(secret.unicodeScalars)
        guard scalars.count >= 12 else { return text.contains(secret) ? [secret] : [] }
        let prefix =
            publicPrefix
            ?? (secret.hasPrefix("sk-ant-")
                ? (secret.dropFirst(7).firstIndex(of: "-").map { secret.distance(from: secret.startIndex, to: $0) + 1 }
                    ?? 7) : 0)
        var found: [String] = []
        for start in 0...(scalars.count - 12) where start + 12 > prefix {
            let piece = String(String.UnicodeScalarView(scalars[start..<start + 12]))
            if text.contains(piece) { found.append(piece) }
        }
        return found
    }
}
