import AnthropicAPI
import Credentials
import Foundation

/// The key manager (every key source, verify, switch, save, forget) and the switches the
/// runtime makes by itself: a profile's fallback after a 401 or when the credit runs out.
extension ChatState {
    mutating func updateKeyManager(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .openKeyManager:
            guard keyManager == nil else { return [] }
            keyManager = KeyManager()
            return [.listKeySources]
        case .closeKeyManager:
            keyManager = nil
            return []
        case .verifyKeySource(let source):
            return startManagerWork("Checking \(source.keyPhrase) with the API…", [.verifyKeySource(source)])
        case .useKeySource(let source):
            return startManagerWork("Checking \(source.keyPhrase), then using it…", [.switchKey(to: source)])
        case .forgetKeySource(let source):
            return startManagerWork("Forgetting \(source.keyPhrase)…", [.forgetKey(source)])
        case .saveSessionKey:
            return startManagerWork("Saving the key you entered…", [.saveSessionKey])
        case .keySourcesListed(let rows):
            keyManager?.rows = rows
            keyManager?.loading = false
            return []
        case .keySourceVerified(let source, let outcome):
            return sourceVerified(source, outcome)
        case .keySwitched(let change):
            return keySwitched(change)
        case .keySwitchFailed(let text):
            keyManager?.say(text, error: true)
            return []
        case .keyForgotten(_, let message, let error):
            keyManager?.say(message, error: error)
            if !error { show(message, error: false, seconds: 10) }
            return keyManager == nil ? [] : [.listKeySources]
        case .failoverFailed:
            // No fallback works: the message stays failed with the advice it has; Ctrl+R tries again.
            keys.reloadFailed()
            awaitingKeyTurn = nil
            return []
        default:
            return []
        }
    }

    /// Starts one piece of key-manager work (one at a time; keys wait while it runs).
    private mutating func startManagerWork(_ what: String, _ effects: [ChatEffect]) -> [ChatEffect] {
        guard var manager = keyManager, manager.busy == nil else { return [] }
        manager.busy = what
        manager.message = nil
        keyManager = manager
        return effects
    }

    private mutating func sourceVerified(_ source: KeySource, _ outcome: KeyVerifier.Outcome) -> [ChatEffect] {
        // A check of the key in use is the monitor's check too, with its effects: a 401 looks for
        // another key, a pass sends what waited for the network (and keeps the rate limits seen).
        // Another source's rate limits may be another account's: they are not the chat's headroom.
        let isInUse = keyManager?.rows.first { $0.source == source }?.isEffective ?? false
        var effects = isInUse ? keyChecked(outcome) : []
        if let error = outcome.error {
            let said = error.kind == .authentication ? "the API rejected it (\(error.message))" : error.kindSentence
            keyManager?.say("✗ \(source.keyPhraseCapitalized): \(said).", error: true)
        } else {
            keyManager?.say("✓ The API accepts \(source.keyPhrase).", error: false)
        }
        if keyManager != nil { effects.append(.listKeySources) }
        return effects
    }

    /// Another key is in use: what waited for a key is sent again, and the user is told why.
    private mutating func keySwitched(_ change: KeySwitch) -> [ChatEffect] {
        let notice: String
        switch change.reason {
        case .chosen:
            notice = "Using \(change.masked) \(change.source.origin) for this session."
        case .saved:
            notice = "Saved \(change.masked) to the credentials file: palaver reads it from there, in later runs too."
        case .fallback(let outOfCredit):
            let from = key.source.map { $0.keyPhraseCapitalized } ?? "The key in use"
            notice =
                "\(from) \(outOfCredit ? "is out of credit" : "was rejected (401)"): switched to its fallback, \(change.masked) \(change.source.origin)"
                + (awaitingKeyTurn != nil ? "; your message was sent again." : ".")
        }
        keyManager?.say(notice, error: false)
        var effects = keyApplied(masked: change.masked, source: change.source, at: change.at, notice: notice)
        if keyManager != nil { effects.append(.listKeySources) }
        return effects
    }
}
