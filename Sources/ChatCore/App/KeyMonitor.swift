import AnthropicAPI
import Credentials
import Foundation

/// The key's side of the chat as a value state machine: the key in use (health, masked form,
/// source), when it is checked next, a reload of the key sources, a rejection nobody has fixed
/// yet, and the key dialog. ``ChatState`` holds one and feeds it what happens; each transition
/// returns the key work to do as ``ChatEffect``s. It never holds a key, except a verified one
/// in the dialog until the user chooses where it goes.
public struct KeyMonitor: Sendable, Equatable {
    /// Why the API refused the key in use (401), kept until a key is replaced or a check passes.
    public struct Rejection: Sendable, Equatable {
        public var message: String
        public var requestID: String?

        public init(message: String, requestID: String?) {
            self.message = message
            self.requestID = requestID
        }
    }

    /// Seconds until the first check while offline (doubling up to the check interval).
    static let firstOfflineBackoff: TimeInterval = 15

    /// The key in use, as the status bar shows it.
    public internal(set) var key: KeyStatus
    /// The key dialog, when open.
    public internal(set) var prompt: KeyPrompt?
    /// When the key is checked next (nil while a check runs or without a key).
    public internal(set) var nextCheck: Date?
    /// A reload of the key sources is under way.
    public internal(set) var reloading = false
    /// The API rejected the key in use (401) and no other key was found. Kept apart from the
    /// health word, which reads "checking" while the monitor looks again.
    public internal(set) var rejection: Rejection?
    /// Seconds until the next check while offline.
    var offlineBackoff = firstOfflineBackoff
    /// Seconds between checks while idle.
    let checkInterval: TimeInterval
    /// Whether a rejected key may be looked for again (not in demo mode).
    let canReload: Bool

    public init(key: KeyStatus, checkInterval: TimeInterval = 600, canReload: Bool = true) {
        self.key = key
        self.checkInterval = checkInterval
        self.canReload = canReload
    }

    /// Sending with the key in use is pointless: there is none, it is malformed, or it was rejected.
    public var needsKey: Bool { !key.health.canSend || key.isRejected || rejection != nil }

    // MARK: Checks

    /// At start: check a usable key; without one, open the first-run dialog (before any input,
    /// so it takes no keystroke meant for the composer).
    mutating func start() -> [ChatEffect] {
        guard key.health.canSend else {
            prompt = KeyPrompt(reason: .firstRun, rejectedMasked: key.masked, rejectedSource: key.source)
            return []
        }
        key.machine.handle(.checkStarted)
        return [.verifyKey]
    }

    /// Time passed: a rate limit may end, and an idle chat checks the key when one is due.
    mutating func tick(_ now: Date, idle: Bool) -> [ChatEffect] {
        key.machine.handle(.tick(now))
        guard let due = nextCheck, due <= now, idle, prompt == nil, !reloading, key.health.canSend else { return [] }
        nextCheck = nil
        key.machine.handle(.checkStarted)
        return [.verifyKey]
    }

    /// A key check finished: schedule the next (sooner while offline); a 401 looks for another key.
    mutating func checked(_ outcome: KeyVerifier.Outcome, now: Date) -> [ChatEffect] {
        key.machine.handle(outcome.event)
        guard let error = outcome.error else {
            rejection = nil
            offlineBackoff = Self.firstOfflineBackoff
            nextCheck = now.addingTimeInterval(checkInterval)
            return []
        }
        if error.kind == .network || error.kind == .timeout {
            nextCheck = now.addingTimeInterval(offlineBackoff)
            offlineBackoff = min(offlineBackoff * 2, checkInterval)
            return []
        }
        nextCheck = now.addingTimeInterval(checkInterval)
        return error.kind == .authentication ? rejected() : []
    }

    /// A request with the key failed (or is being retried after this failure).
    mutating func requestFailed(_ error: APIError, at now: Date) {
        key.machine.handle(.failed(error, at: now))
    }

    /// A request with the key succeeded: the key works; the next check is an interval away.
    mutating func requestSucceeded(at now: Date) {
        rejection = nil
        key.machine.handle(.succeeded(at: now))
        nextCheck = now.addingTimeInterval(checkInterval)
    }

    /// A request could not reach the API: check again soon, to notice the network coming back.
    mutating func wentOffline(at now: Date) {
        offlineBackoff = Self.firstOfflineBackoff
        nextCheck = now.addingTimeInterval(offlineBackoff)
    }

    /// A 401: look again where keys come from before asking the user (once at a time).
    mutating func rejected() -> [ChatEffect] {
        guard !reloading, prompt == nil, canReload else { return [] }
        reloading = true
        return [.reloadKey]
    }

    /// The key ran out of credit: try its profile's fallbacks (once at a time); nil when that
    /// cannot happen now (a reload is under way, the dialog is open, demo mode).
    mutating func outOfCredit() -> [ChatEffect]? {
        guard !reloading, prompt == nil, canReload else { return nil }
        reloading = true
        return [.failover]
    }

    /// A new key is in use (typed and kept, or found by a reload), verified at `at`. A key found
    /// by the reload closes the dialog, unless the user is choosing where a verified one goes.
    mutating func applied(masked: String, source: KeySource, at: Date) {
        reloading = false
        rejection = nil
        key = KeyStatus(health: .valid(verifiedAt: at), masked: masked, source: source)
        nextCheck = at.addingTimeInterval(checkInterval)
        if let prompt, prompt.phase != .verified { self.prompt = nil }
    }

    /// Looking again found no other valid key: remember why the key in use was refused.
    mutating func reloadFailed() {
        reloading = false
        if case .rejected(let message, let requestID) = key.health {
            rejection = Rejection(message: message, requestID: requestID)
        } else if rejection == nil {
            rejection = Rejection(message: "invalid x-api-key", requestID: nil)
        }
    }

    // MARK: The dialog

    /// Opens the key dialog (only ever for a key the user pressed), saying why a key is needed
    /// and whether a message waits for it.
    mutating func openPrompt(messageWaits: Bool) {
        let reason: KeyPrompt.Reason
        if let rejection {
            reason = .rejected(message: rejection.message, requestID: rejection.requestID)
        } else if case .rejected(let message, let requestID) = key.health {
            reason = .rejected(message: message, requestID: requestID)
        } else if key.health.canSend {
            reason = .replace
        } else {
            reason = .firstRun
        }
        prompt = KeyPrompt(reason: reason, rejectedMasked: key.masked, rejectedSource: key.source)
        prompt?.messageWaits = messageWaits
    }

    /// Closes the dialog; false when none was open.
    mutating func closePrompt() -> Bool {
        guard prompt != nil else { return false }
        prompt = nil
        return true
    }

    /// The user edits the key field again after a failed check.
    mutating func editAgain() {
        switch prompt?.phase {
        case .failed?, .refusedLocally?: prompt?.phase = .editing
        default: break
        }
    }

    /// The typed key is one the API rejected before (its fingerprint is remembered): it was not
    /// sent again.
    mutating func candidateKnownRejected(at date: Date, now: Date) {
        guard var prompt, prompt.phase == .verifying else { return }
        prompt.candidate = nil
        prompt.phase = .failed(
            "This is the key the API rejected \(Self.when(date, now: now)); palaver recognised it and did not send it again. Copy a new key from the Console."
        )
        self.prompt = prompt
    }

    /// "a moment ago", "12 minutes ago", "on 2026-12-08 14:02 UTC".
    static func when(_ date: Date, now: Date) -> String {
        let age = now.timeIntervalSince(date)
        if age >= 0 && age < 90 { return "a moment ago" }
        if age >= 0 && age < 3600 { return "\(Int(age / 60)) minutes ago" }
        if age >= 0 && age < 86400 { return "\(Int(age / 3600)) hours ago" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "on \(formatter.string(from: date)) UTC"
    }

    /// Checks a typed key locally, then (effect) with the API.
    mutating func submit(_ text: String) -> [ChatEffect] {
        guard var prompt, prompt.phase != .verifying else { return [] }
        defer { self.prompt = prompt }
        guard !text.isEmpty else {
            prompt.phase = .failed("Paste a key first: it starts with sk-ant-.")
            return []
        }
        // The problems are listed under the field as the user types; they are not repeated here.
        let inspection = KeyDiagnosis.inspect(text, source: .session)
        guard inspection.fatal == nil, let candidate = inspection.key, !candidate.isEmpty else {
            prompt.phase = .refusedLocally
            return []
        }
        prompt.candidate = candidate
        prompt.phase = .verifying
        return [.verifyCandidate(candidate)]
    }

    /// The API's answer about the typed key.
    mutating func candidateChecked(_ outcome: KeyVerifier.Outcome, baseURL: String) {
        guard var prompt, prompt.phase == .verifying else { return }
        defer { self.prompt = prompt }
        guard let error = outcome.error else {
            prompt.phase = .verified
            return
        }
        prompt.candidate = nil
        if error.kind == .authentication {
            let id = error.requestID.map { " (request \($0))" } ?? ""
            let said = error.message.isEmpty ? "invalid key" : error.message
            prompt.phase = .failed(
                "The API rejected this key too: \(said)\(id). Check that you copied the whole key from the Console.")
        } else {
            prompt.phase = .failed(ErrorReport(error: error, keyDescription: nil, baseURL: baseURL).text)
        }
    }

    /// Uses the verified key (saved to the credentials file, or for this session only).
    mutating func keep(save: Bool) -> [ChatEffect] {
        guard let prompt, prompt.phase == .verified, let candidate = prompt.candidate else { return [] }
        self.prompt = nil
        return [.useKey(candidate, save: save)]
    }
}
