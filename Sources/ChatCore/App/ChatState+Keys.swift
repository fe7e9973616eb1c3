import AnthropicAPI
import Credentials
import Foundation

/// The key: its checks, the dialog, a new key coming into use and what waited for it. The key's
/// own transitions live in ``KeyMonitor``; this part ties them to the transcript and the notices.
extension ChatState {
    /// The keys that open the key dialog, as hints name them.
    public static let keyDialogKeys = "F10"
    /// A prompt's mark while it waits for a new key.
    static let waitingForKey = "waiting for a valid key: \(keyDialogKeys) enters one"

    mutating func updateKey(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .submitKey(let text):
            return keys.submit(text)
        case .keepKey(let save):
            return keys.keep(save: save)
        case .openKeyPrompt:
            guard keyPrompt == nil else { return [] }
            openKeyPrompt(draftWaits: false)
            return []
        case .closeKeyPrompt:
            guard keys.closePrompt() else { return [] }
            draftWaitsForKey = false
            if let waiting = awaitingKeyTurn, let i = index(of: waiting) {
                transcript[i].state = .pending(Self.waitingForKey + ", Ctrl+R sends it again")
            }
            return []
        case .editKeyAgain:
            keys.editAgain()
            return []
        case .keyChecked(let outcome):
            return keyChecked(outcome)
        case .candidateChecked(let outcome):
            keys.candidateChecked(outcome, baseURL: settings.baseURL)
            return []
        case .candidateKnownRejected(let date):
            keys.candidateKnownRejected(at: date, now: now)
            return []
        case .keyApplied(let masked, let source, let at, let reloaded):
            return keyApplied(
                masked: masked, source: source, at: at,
                notice: reloaded ? "Using \(masked) \(source.origin): it changed while palaver was running." : nil)
        case .keyReloadFailed:
            keyReloadFailed()
            return []
        case .keySaveFailed(let text):
            show("The key could not be saved (\(text)); it is used for this session only.", error: true, seconds: 15)
            return []
        case .modelsFailed(let error):
            modelListProblem = error.description
            keys.requestFailed(error, at: now)
            return error.kind == .authentication ? keys.rejected() : []
        default:
            return []
        }
    }

    /// Opens the key dialog (only ever for a key the user pressed): why a key is needed, and
    /// whether a message waits for it.
    mutating func openKeyPrompt(draftWaits: Bool) {
        draftWaitsForKey = draftWaits
        keys.openPrompt(messageWaits: draftWaits || awaitingKeyTurn != nil)
    }

    /// A key check finished: the next is scheduled; a pass resends what waited for the network.
    mutating func keyChecked(_ outcome: KeyVerifier.Outcome) -> [ChatEffect] {
        saw(outcome.rateLimits)
        let effects = keys.checked(outcome, now: now)
        if outcome.error == nil, let waiting = awaitingNetworkTurn {
            awaitingNetworkTurn = nil
            return resend(waiting)
        }
        return effects
    }

    /// A new key is in use: load the models if none are listed, then send what waited for it.
    /// `notice` says why the key changed when the user did not type it.
    mutating func keyApplied(masked: String, source: KeySource, at: Date, notice: String?) -> [ChatEffect] {
        keys.applied(masked: masked, source: source, at: at)
        if let notice { show(notice, error: false, seconds: 10) }
        var effects: [ChatEffect] = models.isEmpty ? [.loadModels] : []
        if keyManager != nil { effects.append(.listKeySources) }
        let draftWaits = draftWaitsForKey
        draftWaitsForKey = false
        if let waiting = awaitingKeyTurn {
            awaitingKeyTurn = nil
            effects += resend(waiting)
            if draftWaits {
                show(
                    "The waiting message was sent again; yours is still in the composer: Enter sends it.", error: false,
                    seconds: 10)
            }
        } else if draftWaits {
            effects += send(draft)
        }
        return effects
    }

    /// No other key was found. The dialog is not opened here: this result arrives while the user
    /// may be typing, and a dialog takes the keyboard. The status bar says what is wrong and
    /// which key opens the dialog; sending opens it too.
    private mutating func keyReloadFailed() {
        keys.reloadFailed()
        guard keyPrompt == nil else { return }
        if let waiting = awaitingKeyTurn, let i = index(of: waiting) {
            transcript[i].state = .pending(Self.waitingForKey)
        }
        show(
            "The API rejected the key\(key.masked.map { " \($0)" } ?? ""): \(Self.keyDialogKeys) enters a new one"
                + (awaitingKeyTurn != nil ? "; your message waits." : "."), error: true, seconds: 15)
    }
}
