import AnthropicAPI
import Foundation

/// What palaver knows about the effective key right now; the status bar always shows it.
public enum KeyHealth: Sendable, Equatable {
    /// No key anywhere.
    case missing
    /// A key exists but cannot be used as it is (reason for the user).
    case malformed(String)
    /// A usable-looking key nobody has checked yet.
    case unverified
    /// A check is under way.
    case checking
    /// The API accepted the key at this time.
    case valid(verifiedAt: Date)
    /// 401: invalid, revoked or expired.
    case rejected(message: String, requestID: String?)
    /// 403: the key works but may not do this.
    case forbidden(message: String)
    /// 402, or 400 "credit balance is too low": the key works, the account cannot pay.
    case noCredit(message: String)
    /// 429: wait until this time (nil when the server did not say).
    case rateLimited(until: Date?)
    /// The network failed: the key's health is unknown.
    case offline(String)

    /// The state word shown in the status bar and by `palaver key status`.
    public var word: String {
        switch self {
        case .missing: return "missing"
        case .malformed: return "malformed"
        case .unverified: return "unverified"
        case .checking: return "checking"
        case .valid: return "valid"
        case .rejected: return "rejected"
        case .forbidden: return "forbidden"
        case .noCredit: return "no credit"
        case .rateLimited: return "rate-limited"
        case .offline: return "offline"
        }
    }

    /// Whether requests can be sent with the key at all.
    public var canSend: Bool {
        switch self {
        case .missing, .malformed: return false
        default: return true
        }
    }
}

/// The transitions of `KeyHealth`, as a value: feed it events, read `health`.
public struct KeyHealthMachine: Sendable, Equatable {
    public private(set) var health: KeyHealth
    /// The state before a check started, restored when the check says nothing about the key.
    private var beforeCheck: KeyHealth?

    public enum Event: Sendable {
        /// The effective key changed: `nil` = none, else its inspection.
        case keyChanged(KeyInspection?)
        case checkStarted
        /// A check or a chat request succeeded.
        case succeeded(at: Date)
        /// A check or a chat request failed.
        case failed(APIError, at: Date)
        /// Time passed (ends a rate limit whose time is up).
        case tick(Date)
    }

    public init(health: KeyHealth = .missing) {
        self.health = health
    }

    public mutating func handle(_ event: Event) {
        switch event {
        case .keyChanged(let inspection):
            beforeCheck = nil
            guard let inspection else {
                health = .missing
                return
            }
            if let fatal = inspection.fatal { health = .malformed(fatal.message) } else { health = .unverified }
        case .checkStarted:
            guard health.canSend else { return }
            if health != .checking { beforeCheck = health }
            health = .checking
        case .succeeded(let date):
            guard health.canSend else { return }
            beforeCheck = nil
            health = .valid(verifiedAt: date)
        case .failed(let error, let date):
            guard health.canSend else { return }
            let previous = beforeCheck ?? health
            beforeCheck = nil
            switch error.kind {
            case .authentication:
                health = .rejected(message: error.message, requestID: error.requestID)
            case .permission:
                health = .forbidden(message: error.message)
            case .billing, .noCredit:
                health = .noCredit(message: error.message)
            case .rateLimited:
                health = .rateLimited(until: error.retryAfter.map { date.addingTimeInterval($0.inSeconds) })
            case .network, .timeout:
                health = .offline(error.message)
            default:
                // Server trouble, a cancelled check or a bad request says nothing about the key.
                health = previous == .checking ? .unverified : previous
            }
        case .tick(let now):
            if case .rateLimited(let until?) = health, until <= now {
                health = .valid(verifiedAt: until)
            }
        }
    }
}
