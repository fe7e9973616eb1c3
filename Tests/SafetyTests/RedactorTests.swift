import Foundation
import Safety
import Testing

@Suite("Redaction by value")
struct RedactorTests {
    static let key = "sk-ant-api03-Zx9Qm4LrT7vB2nK8pW3eY6uJ1hG5fD0sA-cV_tN8bM2xR7qL4wE9yU3iO6pS1dF5gH0jK-AAwxyz"

    func redactor() -> Redactor {
        let r = Redactor()
        r.register(Self.key)
        return r
    }

    /// Every `length`-character substring of `secret` that appears in `text`.
    func leaked(_ secret: String, in text: String, length: Int = 12) -> [String] {
        let chars = Array(secret)
        guard chars.count >= length else { return [] }
        return (0...(chars.count - length)).map { String(chars[$0..<($0 + length)]) }.filter { text.contains($0) }
    }

    @Test func wholeKeyIsMasked() {
        let out = redactor().redact("the key \(Self.key) was rejected")
        #expect(out == "the key sk-ant-…wxyz was rejected")
    }

    @Test func keyWithoutItsPrefixIsMasked() {
        let echoed = String(Self.key.dropFirst(7))
        let out = redactor().redact("helper said: \(echoed).")
        #expect(leaked(Self.key, in: out).isEmpty, "\(out)")
        #expect(out.contains("sk-ant-…wxyz"))
    }

    @Test func anyTwelveCharacterFragmentIsMasked() {
        let chars = Array(Self.key)
        let r = redactor()
        for start in stride(from: 13, to: chars.count - 12, by: 7) { // after the public sk-ant-api03-
            let fragment = String(chars[start..<(start + 12)])
            let out = r.redact("x\(fragment)y")
            #expect(!out.contains(fragment), "fragment at \(start) survived: \(out)")
        }
    }

    @Test func elevenCharactersAreOrdinaryText() {
        let fragment = String(Array(Self.key)[20..<31])
        #expect(redactor().redact("a \(fragment) b") == "a \(fragment) b")
    }

    @Test func percentEncodedKeyIsMasked() {
        let all = Self.key.utf8.map { String(format: "%%%02X", $0) }.joined()
        let lower = Self.key.utf8.map { String(format: "%%%02x", $0) }.joined()
        let mixed = Self.key.replacingOccurrences(of: "-", with: "%2D").replacingOccurrences(of: "_", with: "%5f")
        let r = redactor()
        for encoded in [all, lower, mixed] {
            let out = r.redact("GET /x?key=\(encoded)&y=1")
            #expect(out == "GET /x?key=sk-ant-…wxyz&y=1", "\(out)")
        }
    }

    @Test(arguments: ["", "a", "ab"])
    func base64OfTheKeyIsMaskedAtEveryAlignment(prefix: String) {
        let encoded = Data((prefix + Self.key + "!").utf8).base64EncodedString()
        let out = redactor().redact("Authorization: Basic \(encoded)")
        #expect(out.contains("sk-ant-…wxyz"), "alignment \(prefix.count): \(out)")
        // What is left of the encoding is only the few characters that mix in the neighbours.
        #expect(!out.contains(String(encoded.dropFirst(4).prefix(16))))
    }

    @Test func redactionIsIdempotentAndLeavesOtherTextAlone() {
        let r = redactor()
        let once = r.redact("\(Self.key) and \(Self.key.dropFirst(20))")
        #expect(r.redact(once) == once)
        let prose = "Nothing secret here: the quick brown fox jumps over 12 lazy dogs."
        #expect(r.redact(prose) == prose)
    }

    @Test func theKeyFormatsPublicStartIsNotASecret() {
        let r = redactor()
        let doc = "Anthropic keys start with sk-ant-api03- and are 108 characters long."
        #expect(r.redact(doc) == doc)
        #expect(r.redact("x" + String(Self.key.prefix(25)) + "y") == "xsk-ant-…wxyzy")
        // Another key that shares only the public start and a character or two is not this key.
        let other = "sk-ant-api03-" + String(Self.key.dropFirst(13).prefix(2)) + "qqqqqqqqqqqqqqqqqqqq"
        #expect(r.redact(other) == other)
    }

    @Test func longTokensAreMaskedWhateverTheirPrefix() {
        let token = "api03-Zx9Qm4LrT7vB2nK8pW3eY6uJ1hG5fD0s"
        #expect(Secrets.redactLongTokens("cannot unlock: \(token).") == "cannot unlock: …fD0s.")
        #expect(
            Secrets.redactLongTokens("gpg: decryption failed: No secret key") == "gpg: decryption failed: No secret key"
        )
    }

    @Test func shortSecretsAreNotRegistered() {
        let r = Redactor()
        #expect(!r.register("short"))
        #expect(r.isEmpty)
        #expect(r.redact("short and sweet, more than twelve") == "short and sweet, more than twelve")
    }

    @Test func pendingSuffixHoldsBackAPossibleKeyStart() {
        let r = redactor()
        let start = String(Self.key.prefix(10))
        #expect(r.pendingSuffixLength(of: "hello \(start)") == 10)
        #expect(r.pendingSuffixLength(of: "hello world.\n") == 0)
    }

    @Test func sharedSecretsAreMaskedBySecretsRedact() {
        let other = "zQ8wE3rT6yU9iO2pA5sD8fG1hJ4kL7zX0cV3bN6mQ9wE2rT5y"
        Redactor.shared.register(other)
        let out = Secrets.redact("token=\(other)")
        #expect(!out.contains(String(other.prefix(12))))
        #expect(out.hasSuffix("…5rT5y".suffix(4)))
    }
}
