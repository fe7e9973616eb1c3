/// The error type, HTTP status and message that go together, for faults that name only one.
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
        case "authentication_error": return ErrorMessages.invalidKey
        case "billing_error": return ErrorMessages.billing
        case "permission_error": return ErrorMessages.forbidden
        case "not_found_error": return "Not found"
        case "timeout_error": return "Request timed out"
        case "conflict_error": return "Conflict"
        case "request_too_large": return ErrorMessages.tooLarge
        case "rate_limit_error":
            return
                "Number of requests has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please try again later."
        case "overloaded_error": return "Overloaded"
        default: return "Internal server error"
        }
    }
}
