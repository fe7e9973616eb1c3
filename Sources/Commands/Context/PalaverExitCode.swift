import AnthropicAPI
import ChatCore

/// `palaver ask` / `doctor` exit codes (documented in README).
public enum PalaverExitCode: Int32, Sendable {
    case ok = 0
    /// Bad arguments, unreadable config, refused configuration.
    case usage = 2
    /// No usable key: missing or malformed; nothing was sent.
    case noUsableKey = 3
    /// The API rejected the key (401).
    case keyRejected = 4
    /// The key works but lacks permission, billing or credit (402, 403, no credit).
    case permissionOrBilling = 5
    /// Still rate-limited or overloaded after retries (429, 529).
    case rateLimited = 6
    /// Network failure, timeout (idle or the whole-reply deadline), or a reply cut off.
    case network = 7
    /// Any other API error.
    case apiError = 8
    /// Continuing a conversation was asked for but the session store could not be used (locked
    /// by another process past the busy timeout, unreadable, damaged); nothing was sent.
    case storeUnavailable = 9
    /// Interrupted (Ctrl-C).
    case interrupted = 130

    public init(for error: APIError) {
        switch error.kind {
        case .authentication: self = .keyRejected
        case .permission, .billing, .noCredit: self = .permissionOrBilling
        case .rateLimited, .overloaded: self = .rateLimited
        case .network, .timeout, .deadline, .truncated: self = .network
        case .cancelled: self = .interrupted
        case .insecureTransport, .invalidConfiguration: self = .usage
        default: self = .apiError // redirects, unreadable or oversized replies, 400, 404, 413, 5xx
        }
    }
}

/// Lets an exit status travel as the failure of a `Result`.
extension PalaverExitCode: Error {}
