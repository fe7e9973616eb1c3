import Credentials
import Foundation

/// The key dialog: the first-run one (no usable key), the rejected-key one (a request got a
/// 401) or the one the user opens to replace a working key. It opens only on the user's own key
/// press (or at start-up, before any input), never in the middle of typing. The state keeps a
/// verified key only until the user chooses where it goes; it is never logged, stored in the
/// database or shown.
public struct KeyPrompt: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case firstRun
        case rejected(message: String, requestID: String?)
        /// The user asked to enter a different key while the one in use works.
        case replace
    }

    public enum Phase: Sendable, Equatable {
        case editing
        case verifying
        /// The API accepted the key: save it or use it for this session only?
        case verified
        case failed(String)
        /// Enter was pressed on a value that cannot be a key as it is: nothing was sent; the
        /// dialog lists why (each problem once) and offers the one-key fix when there is one.
        case refusedLocally
    }

    public var reason: Reason
    public var phase: Phase = .editing
    /// The rejected key, masked, and where it came from.
    public var rejectedMasked: String?
    public var rejectedSource: KeySource?
    /// The key being verified or verified.
    var candidate: String?
    /// A message waits for the new key (it is sent again once one works).
    public var messageWaits = false

    public init(reason: Reason, rejectedMasked: String? = nil, rejectedSource: KeySource? = nil) {
        self.reason = reason
        self.rejectedMasked = rejectedMasked
        self.rejectedSource = rejectedSource
    }

    /// Why the key was probably rejected, for its source.
    public var likelyCause: String {
        let base = "The key was revoked or has expired, or it was mistyped."
        switch rejectedSource {
        case .environment(let name)?:
            return base
                + " \(name) still holds it: after you enter a new key here, update or unset \(name) in your shell profile too."
        case .credentialsFile?:
            return base + " It came from the credentials file; a new key you save here replaces it."
        case .profile(let name)?:
            return base
                + " It is profile \(name)'s key in the credentials file; save a new one with `palaver key set --name \(name)`."
        case .helper?:
            return base + " It was printed by api_key_helper: fix what the command prints, or enter a key here for now."
        case .session?, nil:
            return base
        }
    }
}

extension KeyPrompt {
    /// One thing wrong with the text typed into the key field, as the dialog lists it while typing.
    public struct TypedProblem: Sendable, Equatable {
        /// What is wrong and how to fix it, in one sentence or two.
        public var text: String
        /// What is wrong, without the advice (for a small screen).
        public var message: String
        /// Whether the key cannot work at all (otherwise it is a warning).
        public var isFatal: Bool
    }

    /// Everything wrong with `typed` so far (nothing for an empty field), each problem once,
    /// all at once: the same local checks the submit makes, so the dialog can say it before the
    /// user presses Enter.
    public static func problems(inTyped typed: String) -> [TypedProblem] {
        guard !typed.isEmpty else { return [] }
        return KeyRepair(typed).problems.map {
            TypedProblem(text: "\($0.message) \($0.fix)", message: $0.message, isFatal: $0.severity == .fatal)
        }
    }

    /// The one-key fix for `typed`: the key with the wrapping of a copy removed, and what that
    /// removes ("the quotes and \"Bearer \""); nil when there is nothing to fix or the fix would
    /// still not leave a usable key.
    public static func fix(forTyped typed: String) -> (key: String, removes: String)? {
        let repair = KeyRepair(typed)
        guard let key = repair.repaired, let removes = repair.removes else { return nil }
        return (key, removes)
    }
}
