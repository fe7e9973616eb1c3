import Foundation

/// The `anthropic-ratelimit-*` headers the fake sends on its successful answers
/// (POST /v1/messages, streamed or not, count_tokens and GET /v1/models).
///
/// JSON (control API `/_control/ratelimits`): `requests`, `tokens`, `input_tokens`,
/// `output_tokens`, each `{"limit": n, "remaining": n, "reset": "2026-12-08T14:32:00Z"}` with
/// every field optional. A kind or field left out sends no header. The values are sent as given
/// (the reset text is not checked), so a test can script any headroom.
public struct FakeRateLimits: Sendable, Equatable, Codable {
    /// One kind's `-limit`, `-remaining` and `-reset` header values.
    public struct Entry: Sendable, Equatable, Codable {
        public var limit: Int?
        public var remaining: Int?
        /// An RFC 3339 time, sent verbatim.
        public var reset: String?

        public init(limit: Int? = nil, remaining: Int? = nil, reset: String? = nil) {
            self.limit = limit
            self.remaining = remaining
            self.reset = reset
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case limit, remaining, reset
        }
    }

    public var requests: Entry?
    public var tokens: Entry?
    public var inputTokens: Entry?
    public var outputTokens: Entry?

    public init(requests: Entry? = nil, tokens: Entry? = nil, inputTokens: Entry? = nil, outputTokens: Entry? = nil) {
        self.requests = requests
        self.tokens = tokens
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case requests, tokens
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
    }

    /// Reads rate limits as `POST /_control/ratelimits` takes them; throws a message naming the bad
    /// field (an unknown kind or field, a wrong type, a negative count).
    public static func decode(json text: String) throws(BadRateLimits) -> FakeRateLimits {
        let decoded: FakeRateLimits
        do {
            decoded = try JSONDecoder().decode(FakeRateLimits.self, from: Data(text.utf8))
        } catch {
            throw BadRateLimits(message: "not valid rate-limit JSON (\(error))")
        }
        if let problem = decoded.problem ?? unknownFields(text) { throw BadRateLimits(message: problem) }
        return decoded
    }

    /// The first unknown kind or field in rate-limit JSON (the decoder alone would drop it silently), or nil.
    private static func unknownFields(_ text: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return "expected a JSON object"
        }
        let kinds = Set(CodingKeys.allCases.map(\.rawValue))
        let fields = Set(Entry.CodingKeys.allCases.map(\.rawValue))
        for (kind, value) in object.sorted(by: { $0.key < $1.key }) {
            guard kinds.contains(kind) else {
                return "unknown field \(kind); allowed: \(kinds.sorted().joined(separator: ", "))"
            }
            for field in ((value as? [String: Any])?.keys.sorted() ?? []) where !fields.contains(field) {
                return "\(kind): unknown field \(field); allowed: limit, remaining, reset"
            }
        }
        return nil
    }

    /// Why these limits cannot be sent (a negative count, e.g. "tokens.limit: must be at least 0"), or nil.
    public var problem: String? {
        let kinds: [(CodingKeys, Entry?)] = [
            (.requests, requests), (.tokens, tokens), (.inputTokens, inputTokens), (.outputTokens, outputTokens),
        ]
        for case (let key, let entry?) in kinds {
            if let limit = entry.limit, limit < 0 { return "\(key.rawValue).limit: must be at least 0" }
            if let remaining = entry.remaining, remaining < 0 {
                return "\(key.rawValue).remaining: must be at least 0"
            }
        }
        return nil
    }

    /// The header fields, e.g. `anthropic-ratelimit-tokens-remaining: 3200`.
    public var headers: [String: String] {
        var fields: [String: String] = [:]
        let kinds: [(String, Entry?)] = [
            ("requests", requests), ("tokens", tokens), ("input-tokens", inputTokens), ("output-tokens", outputTokens),
        ]
        for case (let name, let entry?) in kinds {
            let prefix = "anthropic-ratelimit-\(name)-"
            if let limit = entry.limit { fields[prefix + "limit"] = String(limit) }
            if let remaining = entry.remaining { fields[prefix + "remaining"] = String(remaining) }
            if let reset = entry.reset { fields[prefix + "reset"] = reset }
        }
        return fields
    }
}

/// Rate-limit JSON the fake refuses, and why.
public struct BadRateLimits: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
