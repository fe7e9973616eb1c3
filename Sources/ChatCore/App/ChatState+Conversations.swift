import AnthropicAPI
import Foundation
import SessionStore

/// Conversations: the sidebar list, opening, creating, renaming and deleting, the model and
/// system prompt of the open one, and what the store reports back.
extension ChatState {
    mutating func updateConversations(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .newConversation:
            return newConversation()
        case .open(let id):
            guard id != conversation?.id else { return [] }
            guard turn == nil else { return refuseWhileStreaming() }
            unqueue() // a queued message stays with its conversation, as its draft
            return [.openConversation(id, saveDraftOf: DraftSave(conversation: conversation?.id, text: draft))]
        case .rename(let id, let title):
            return rename(id, to: title)
        case .delete(let id):
            return delete(id)
        case .setModel(let model):
            return setModel(model)
        case .setSystemPrompt(let prompt):
            let prompt = prompt.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            guard let id = conversation?.id else {
                newSystemPrompt = prompt
                return []
            }
            conversation?.systemPrompt = prompt
            return [.setSystemPrompt(id, prompt)]
        case .loadEarlier:
            guard let id = conversation?.id, earlierCount > 0,
                let first = transcript.first(where: { $0.position != nil })?.position
            else { return [] }
            return [.loadEarlier(id, before: first)]
        default:
            return updateFromStore(action)
        }
    }

    /// What the runtime reports about conversations, models and files.
    private mutating func updateFromStore(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .conversationsLoaded(let list, let total):
            conversations = list
            conversationTotal = total
        case .conversationOpened(let opened, let messages, let earlier, let savedDraft):
            conversation = opened
            transcript = messages.map { TranscriptEntry(stored: $0, id: takeID()) }
            earlierCount = earlier
            lastUsage = transcript.last(where: { $0.role == .assistant })?.usage
            replaceDraft(savedDraft ?? "")
        case .earlierLoaded(let id, let messages, let earlier):
            guard id == conversation?.id else { return [] }
            transcript.insert(contentsOf: messages.map { TranscriptEntry(stored: $0, id: takeID()) }, at: 0)
            earlierCount = earlier
        case .conversationCreated(let created):
            if conversation == nil { conversation = created }
            let known = conversations.contains { $0.id == created.id }
            conversations.removeAll { $0.id == created.id }
            conversations.insert(created, at: 0)
            if !known { conversationTotal += 1 }
        case .modelsLoaded(let list):
            models = list
            modelListProblem = nil
            if !settings.modelIsExplicit, newConversationModel == nil, let newest = list.first {
                newConversationModel = newest.id
            }
        case .searchResults:
            break // the UI shows them
        case .exported(let path):
            show("Exported to \(path)", error: false, seconds: 15)
        case .exportFailed(let text):
            show("Export failed: \(text)", error: true, seconds: 15)
        case .storeFailed(let text):
            if storeProblem == nil { show(text, error: true, seconds: 10) }
            storeProblem = text
        case .titleSuggested(let id, let suggested, let replacing):
            return titleSuggested(suggested, for: id, replacing: replacing)
        default:
            break
        }
        return []
    }

    private mutating func newConversation() -> [ChatEffect] {
        guard conversation != nil || !transcript.isEmpty else { return [] }
        guard turn == nil else { return refuseWhileStreaming() }
        unqueue()
        let save = DraftSave(conversation: conversation?.id, text: draft)
        conversation = nil
        newSystemPrompt = nil
        transcript = []
        earlierCount = 0
        lastUsage = nil
        replaceDraft("")
        return [.saveDraft(save)]
    }

    private mutating func rename(_ id: ConversationID, to title: String) -> [ChatEffect] {
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { return [] }
        if conversation?.id == id { conversation?.title = title }
        if let i = conversations.firstIndex(where: { $0.id == id }) { conversations[i].title = title }
        return [.rename(id, title)]
    }

    private mutating func delete(_ id: ConversationID) -> [ChatEffect] {
        guard !(turn != nil && conversation?.id == id) else { return refuseWhileStreaming() }
        conversations.removeAll { $0.id == id }
        conversationTotal = max(0, conversationTotal - 1)
        if conversation?.id == id {
            conversation = nil
            transcript = []
            earlierCount = 0
            queuedTurn = nil
            lastUsage = nil // the status bar no longer shows the deleted conversation's tokens
            replaceDraft("")
        }
        return [.delete(id)]
    }

    /// A title the model suggested: used only while the conversation keeps the title it had when
    /// it was asked for (a title the user set is never replaced); an unusable answer keeps the
    /// first line.
    private mutating func titleSuggested(_ suggested: String, for id: ConversationID, replacing: String)
        -> [ChatEffect]
    {
        guard let title = Self.cleanTitle(suggested) else { return [] }
        let current = conversation?.id == id ? conversation?.title : conversations.first { $0.id == id }?.title
        guard current == replacing, title != replacing else { return [] }
        return rename(id, to: title)
    }

    /// A model's title answer as a title: its first line, without quotes, a trailing full stop or
    /// a "Title:" label, at most 60 characters; nil when nothing usable is left.
    public static func cleanTitle(_ answer: String) -> String? {
        var line = answer.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        line = line.trimmingCharacters(in: .whitespaces)
        if line.lowercased().hasPrefix("title:") { line = String(line.dropFirst(6)) }
        line = line.trimmingCharacters(in: CharacterSet(charactersIn: " \"'`*#.“”‘’"))
        line = String(line.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
        guard !line.isEmpty else { return nil }
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }

    private mutating func setModel(_ model: String) -> [ChatEffect] {
        newConversationModel = model
        guard let id = conversation?.id else { return [] }
        conversation?.model = model
        if let i = conversations.firstIndex(where: { $0.id == id }) { conversations[i].model = model }
        return [.setModel(id, model)]
    }
}
