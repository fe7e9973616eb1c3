import AnthropicAPI
import Foundation
import SessionStore

/// Shaping a conversation: an earlier prompt edited into a new version, a reply regenerated
/// beside the old one, and moving between versions. The store keeps every version as a sibling
/// in the conversation's tree; the transcript shows the active path, which is also exactly what
/// is sent to the API.
extension ChatState {
    /// How the regenerate is reached, as hints name it.
    public static let regenerateKeys = "Alt+R (or ↑ then r)"

    mutating func updateBranches(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .editPrompt(let entry, let text):
            return editPrompt(entry, text: text)
        case .regenerate(let entry):
            return regenerate(entry)
        case .switchVersion(let entry, let offset):
            return switchVersion(entry, offset: offset)
        default:
            return []
        }
    }

    /// The edited prompt becomes a sibling of `entry`; everything after it leaves the screen (it
    /// stays in the store, on the old branch) and the new version is sent.
    private mutating func editPrompt(_ entry: Int, text: String) -> [ChatEffect] {
        guard turn == nil else { return refuseWhileStreaming() }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            show("An edited message cannot be empty: Esc keeps the original.", error: true)
            return []
        }
        guard let i = index(of: entry), transcript[i].role == .user, let stored = transcript[i].storedID else {
            show("Only a sent message can be edited into a new version.", error: true)
            return []
        }
        guard !needsKey else {
            openKeyPrompt(draftWaits: false)
            return []
        }
        let history = Self.history(in: transcript[..<i])
        let old = transcript[i]
        transcript.removeSubrange(i...)
        let id = takeID()
        var edited = TranscriptEntry(id: id, role: .user, text: text, state: .pending(nil), createdAt: now)
        edited.version = .init(index: old.version.count, count: old.version.count + 1)
        transcript.append(edited)
        awaitingKeyTurn = nil
        awaitingNetworkTurn = nil
        guard case .send(var request) = begin(turn: id, prompt: text, resend: nil, history: history) else { return [] }
        request.editOf = stored
        return [.send(request)]
    }

    /// A new reply to the prompt of reply `entry`, stored beside the old one; the old one leaves
    /// the screen (it stays in the store).
    private mutating func regenerate(_ entry: Int) -> [ChatEffect] {
        guard turn == nil else { return refuseWhileStreaming() }
        guard let j = index(of: entry), transcript[j].role == .assistant,
            let p = transcript[..<j].lastIndex(where: { $0.role == .user }), let stored = transcript[p].storedID
        else {
            show("There is no reply to regenerate: \(Self.regenerateKeys) asks again for an answer.", error: true)
            return []
        }
        guard !needsKey else {
            openKeyPrompt(draftWaits: false)
            return []
        }
        let versions = transcript[j].version.count
        transcript.removeSubrange((p + 1)...)
        let prompt = transcript[p]
        transcript[p].state = .pending(nil)
        guard
            case .send(var request) = begin(
                turn: prompt.id, prompt: prompt.text, resend: stored, history: Self.history(in: transcript[..<p]))
        else { return [] }
        request.regenerate = true
        pendingReplyVersion = .init(index: versions, count: versions + 1)
        return [.send(request)]
    }

    /// Asks the store to move the active path to another version of `entry`'s message; the
    /// conversation is then reopened along it.
    private mutating func switchVersion(_ entry: Int, offset: Int) -> [ChatEffect] {
        guard turn == nil else { return refuseWhileStreaming() }
        guard let i = index(of: entry) else { return [] }
        let version = transcript[i].version
        guard version.count > 1 else {
            show("This message has no other version.", error: false)
            return []
        }
        guard let stored = transcript[i].storedID, let conversation else { return [] }
        guard (0..<version.count).contains(version.index + offset) else { return [] }
        // The conversation is reopened along the other branch: the composer's text is saved first
        // (store work runs in order), so the reopened draft is what the user has now.
        return [
            .saveDraft(DraftSave(conversation: conversation.id, text: draft)),
            .selectVersion(conversation.id, of: stored, offset: offset),
        ]
    }
}
