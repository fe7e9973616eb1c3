import Foundation

/// Masks a secret for logs: `sk-ant-…abcd` for keys starting with "sk-ant-", otherwise `…abcd`.
/// Keys shorter than 12 characters show fewer trailing characters (at most a third of the key).
public func maskKey(_ key: String) -> String {
    let chars = Array(key)
    let shown = chars.count >= 12 ? 4 : chars.count / 3
    let tail = String(chars.suffix(shown))
    if key.hasPrefix("sk-ant-") && chars.count >= 12 {
        return "sk-ant-…" + tail
    }
    return "…" + tail
}

/// Masks an Authorization header value, keeping the scheme: `Bearer sk-ant-…abcd`.
func maskAuthorization(_ value: String) -> String {
    let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    if parts.count == 2 {
        return "\(parts[0]) \(maskKey(String(parts[1]).trimmingCharacters(in: .whitespaces)))"
    }
    return maskKey(value)
}

enum IDs {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func random(_ count: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    static func requestID() -> String { "req_011C" + random(20) }
    static func messageID() -> String { "msg_01" + random(22) }
    static func toolUseID() -> String { "toolu_01" + random(22) }
}

enum ErrorDefaults {
    /// error.type for an HTTP status (the API-NOTES table).
    static func type(forStatus status: Int) -> String {
        switch status {
        case 400: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 408: return "timeout_error"
        case 409: return "conflict_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 500: return "api_error"
        case 504: return "timeout_error"
        case 529: return "overloaded_error"
        case 400..<500: return "invalid_request_error"
        default: return "api_error"
        }
    }

    /// HTTP status for an error.type (used when a stream_error fault hits a non-streaming request).
    static func status(forType type: String) -> Int {
        switch type {
        case "invalid_request_error": return 400
        case "authentication_error": return 401
        case "billing_error": return 402
        case "permission_error": return 403
        case "not_found_error": return 404
        case "timeout_error": return 504
        case "conflict_error": return 409
        case "request_too_large": return 413
        case "rate_limit_error": return 429
        case "overloaded_error": return 529
        default: return 500
        }
    }

    static func message(forType type: String) -> String {
        switch type {
        case "invalid_request_error": return "Invalid request."
        case "authentication_error": return Messages.invalidKey
        case "billing_error": return Messages.billing
        case "permission_error": return Messages.forbidden
        case "not_found_error": return "Not found"
        case "timeout_error": return "Request timed out"
        case "conflict_error": return "Conflict"
        case "request_too_large": return Messages.tooLarge
        case "rate_limit_error":
            return "Number of requests has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please try again later."
        case "overloaded_error": return "Overloaded"
        default: return "Internal server error"
        }
    }
}

enum Messages {
    static let missingKey = "x-api-key header is required"
    static let invalidKey = "invalid x-api-key"
    static let forbidden = "Your API key does not have permission to use the specified resource."
    static let billing = "Your organization has a billing issue. Please check your payment method in Plans & Billing in the Anthropic Console."
    static let noCredit = "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."
    static let missingVersion = "anthropic-version: header is required"
    static let tooLarge = "Request exceeds the maximum allowed number of bytes."
}
