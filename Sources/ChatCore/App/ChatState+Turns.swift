import AnthropicAPI
import Foundation
import SessionStore

/// Turns: sending a prompt, streaming its reply into place, stopping, failing, sending again.
extension ChatState {
    mutating func updateTurn(_ action: ChatAction) -> [ChatEffect] {
        switch action {
        case .send(let text):
            return send(text)
        case .cancel:
            guard var turn, !turn.cancelling else { return [] }
            turn.cancelling = true
            self.turn = turn
            return [.cancelTurn(turn.id)]
        case .retryLast:
            return retryLast()
        case .promptStored(let turnID, let messageID):
            if let i = index(of: turnID) { transcript[i].storedID = messageID }
            return []
        case .turn(let turnID, let event):
            return handle(event, turn: turnID)
        default:
            return []
        }
    }

    // MARK: Sending

    mutating func send(_ raw: String) -> [ChatEffect] {
        guard !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            // Enter on an empty composer while a message waits for a key: ask for the key.
            if awaitingKeyTurn != nil, keyPrompt == nil { openKeyPrompt(draftWaits: false) }
            return []
        }
        guard turn == nil else {
            show("A reply is still arriving: Esc stops it; your text stays in the composer.", error: true)
            return []
        }
        guard !needsKey else {
            // No usable key: the user's Enter opens the dialog; the text stays in the composer
            // until a key is in use, then it is sent as it stands.
            openKeyPrompt(draftWaits: true)
            return []
        }
        let id = takeID()
        let history = Self.history(in: transcript[...])
        transcript.append(TranscriptEntry(id: id, role: .user, text: raw, state: .pending(nil), createdAt: now))
        replaceDraft("")
        return [begin(turn: id, prompt: raw, resend: nil, history: history)]
    }

    private mutating func retryLast() -> [ChatEffect] {
        guard turn == nil else { return refuseWhileStreaming() }
        guard let i = transcript.lastIndex(where: { $0.role == .user }) else {
            show("There is no message to send again yet.", error: false)
            return []
        }
        let prompt = transcript[i]
        let answered = transcript[(i + 1)...].contains { $0.role == .assistant && $0.state == .complete }
        if answered {
            // A complete exchange: ask the same again, as a new message.
            return send(prompt.text)
        }
        awaitingKeyTurn = nil
        awaitingNetworkTurn = nil
        return resend(prompt.id)
    }

    /// Sends the prompt of turn `id` again in place (after a new key, or the network came back).
    mutating func resend(_ id: Int) -> [ChatEffect] {
        guard turn == nil, let i = index(of: id), transcript[i].role == .user else { return [] }
        transcript[i].state = .pending(nil)
        return [
            begin(
                turn: id, prompt: transcript[i].text, resend: transcript[i].storedID,
                history: Self.history(in: transcript[..<i]))
        ]
    }

    private mutating func begin(turn id: Int, prompt: String, resend: MessageID?, history: [InputMessage]) -> ChatEffect
    {
        turn = ActiveTurn(id: id, startedAt: now)
        lastUsage = nil
        return .send(
            TurnRequest(
                turn: id, conversation: conversation?.id, newTitle: Self.title(for: prompt), prompt: prompt,
                resendStored: resend, model: model, systemPrompt: systemPrompt,
                maxTokens: settings.maxTokens, history: history))
    }

    // MARK: Progress

    private mutating func handle(_ event: TurnEvent, turn id: Int) -> [ChatEffect] {
        guard var active = turn, active.id == id else { return [] }
        switch event {
        case .retrying(let notice):
            active.retry = ActiveTurn.Retry(notice: notice, at: now.addingTimeInterval(notice.delay.inSeconds))
            keys.requestFailed(notice.reason, at: now)
            // The status bar counts the retry down; the log keeps it whole.
            log(NoticeLog.retryText(notice), error: true)
        case .started:
            active.retry = nil
            if let p = index(of: id) { transcript[p].state = .complete }
            if active.replyEntry == nil { active.replyEntry = insertReply(after: id) }
        case .text(let text):
            if active.firstTextAt == nil { active.firstTextAt = now }
            active.characters += text.count
            if let reply = active.replyEntry, let i = index(of: reply) { transcript[i].text += text }
        case .usage(let usage):
            active.outputTokens = usage.outputTokens ?? active.outputTokens
        case .rateLimits(let limits):
            saw(limits)
        case .completed(let message):
            complete(active, with: message)
            return []
        case .failed(let error):
            return fail(active, with: error)
        }
        turn = active
        return []
    }

    /// An empty, streaming reply entry after the prompt `id` and any earlier (interrupted)
    /// replies to it; returns its local id.
    private mutating func insertReply(after id: Int) -> Int {
        let reply = takeID()
        var at = (index(of: id) ?? transcript.count - 1) + 1
        while at < transcript.count && transcript[at].role == .assistant { at += 1 }
        transcript.insert(
            TranscriptEntry(id: reply, role: .assistant, text: "", state: .streaming, model: model, createdAt: now),
            at: min(at, transcript.count))
        return reply
    }

    private mutating func complete(_ active: ActiveTurn, with message: Message) {
        if let i = index(of: active.id) { transcript[i].state = .complete }
        if let reply = active.replyEntry, let i = index(of: reply) {
            transcript[i].text = message.text
            transcript[i].state = .complete
            transcript[i].usage = message.usage
            transcript[i].model = message.model.isEmpty ? model : message.model
        } else {
            transcript.append(
                TranscriptEntry(
                    id: takeID(), role: .assistant, text: message.text, model: message.model,
                    usage: message.usage, createdAt: now))
        }
        lastUsage = message.usage
        keys.requestSucceeded(at: now)
        turn = nil
        touchConversation()
    }

    private mutating func fail(_ active: ActiveTurn, with error: APIError) -> [ChatEffect] {
        markFailed(active, with: error)
        turn = nil
        touchConversation()
        guard active.replyEntry == nil, let p = index(of: active.id) else { return [] }
        if error.kind == .authentication {
            transcript[p].state = .pending("waiting for a valid key")
            awaitingKeyTurn = active.id
            return keys.rejected()
        }
        if error.kind == .billing || error.kind == .noCredit, let failover = keys.outOfCredit() {
            // The message stays failed with its advice unless a fallback key takes over; then
            // it is sent again in place.
            awaitingKeyTurn = active.id
            return failover
        }
        if error.kind == .network || error.kind == .timeout {
            transcript[p].state = .pending("offline: sent again when the network is back (Ctrl+R tries now)")
            awaitingNetworkTurn = active.id
            keys.wentOffline(at: now)
        }
        return []
    }

    /// Marks the turn's entries: a partial reply interrupted, or the prompt failed (with the
    /// diagnosis) or put back (stopped by the user before a reply).
    private mutating func markFailed(_ active: ActiveTurn, with error: APIError) {
        let stopped = error.kind == .cancelled
        if !stopped { keys.requestFailed(error, at: now) }
        let report = ErrorReport(
            error: error, keyDescription: key.description, baseURL: settings.baseURL, model: model,
            keySource: key.source
        ).text
        if let reply = active.replyEntry, let i = index(of: reply) {
            if let partial = error.partial?.text, partial.count >= transcript[i].text.count {
                transcript[i].text = partial
            }
            transcript[i].state = .interrupted(stopped ? "stopped by you (Esc): Ctrl+R asks again" : report)
            if let p = index(of: active.id) { transcript[p].state = .complete }
        } else if let p = index(of: active.id) {
            transcript[p].state = stopped ? .pending("stopped before a reply: Ctrl+R sends it again") : .failed(report)
        }
        if !stopped { show(error.kindSentence, error: true) }
    }

    /// Moves the open conversation to the top of the sidebar (it was just active).
    private mutating func touchConversation() {
        guard var current = conversation else { return }
        current.updatedAt = now
        conversation = current
        conversations.removeAll { $0.id == current.id }
        conversations.insert(current, at: 0)
    }

    // MARK: Pure helpers

    /// The complete exchanges in `entries`, as API context (the same rule as stored history).
    static func history(in entries: ArraySlice<TranscriptEntry>) -> [InputMessage] {
        var history = ConversationHistory.Exchanges()
        for entry in entries {
            let content: [ContentBlock] = entry.text.isEmpty ? [] : [.text(entry.text)]
            switch entry.role {
            case .user: history.prompt(content)
            case .assistant: history.reply(content, complete: entry.state == .complete)
            }
        }
        return history.turns
    }

    /// A conversation title from the first line of a prompt.
    public static func title(for prompt: String) -> String {
        let line = prompt.split(whereSeparator: \.isNewline).first.map(String.init) ?? prompt
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : trimmed
    }
}
