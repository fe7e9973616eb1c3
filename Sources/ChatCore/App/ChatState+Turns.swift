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
        case .unqueue:
            unqueue()
            return []
        case .promptStored(let turnID, let messageID):
            if let i = index(of: turnID) { transcript[i].storedID = messageID }
            return []
        case .replyStored(let turnID, let messageID):
            if turn?.id == turnID, let reply = turn?.replyEntry, let i = index(of: reply) {
                transcript[i].storedID = messageID
            }
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
            // Enter on an empty composer with a message still queued (its reply failed or was stopped): send it.
            if turn == nil, queuedTurn != nil { return sendQueued() }
            // Enter on an empty composer while a message waits for a key: ask for the key.
            if awaitingKeyTurn != nil, keyPrompt == nil { openKeyPrompt(draftWaits: false) }
            return []
        }
        guard turn == nil else { return queue(raw) }
        if queuedTurn != nil {
            show("A message is queued: Enter on an empty composer sends it, Esc takes it back.", error: true)
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

    // MARK: Queue

    /// What the queued message's marker says while the reply streams.
    public static let queuedReason = "queued: sent when the reply ends · Esc takes it back"
    /// What it says once the reply failed or was stopped (it is not sent into the same failure).
    public static let queuedHeldReason = "queued: the reply did not finish · Enter sends it · Esc takes it back"

    /// Enter while a reply streams: the message waits in the transcript and goes out when the
    /// reply completes. One message can wait; a second Enter says so and keeps the text.
    private mutating func queue(_ raw: String) -> [ChatEffect] {
        guard queuedTurn == nil else {
            show("One message is already queued (Esc takes it back); yours stays in the composer.", error: true)
            return []
        }
        let id = takeID()
        transcript.append(
            TranscriptEntry(id: id, role: .user, text: raw, state: .pending(Self.queuedReason), createdAt: now))
        queuedTurn = id
        replaceDraft("")
        return []
    }

    /// Sends the queued message now (the reply before it ended).
    private mutating func sendQueued() -> [ChatEffect] {
        guard turn == nil, let id = queuedTurn, let i = index(of: id) else {
            queuedTurn = nil
            return []
        }
        guard !needsKey else {
            transcript[i].state = .pending(Self.queuedHeldReason)
            openKeyPrompt(draftWaits: false)
            return []
        }
        queuedTurn = nil
        // It goes after everything before it, as if sent now.
        var entry = transcript.remove(at: i)
        entry.state = .pending(nil)
        entry.createdAt = now
        let history = Self.history(in: transcript[...])
        transcript.append(entry)
        return [begin(turn: id, prompt: entry.text, resend: nil, history: history)]
    }

    /// Takes the queued message back: its text goes into the composer, before what is there.
    mutating func unqueue() {
        guard let id = queuedTurn else { return }
        queuedTurn = nil
        guard let i = index(of: id) else { return }
        let text = transcript.remove(at: i).text
        replaceDraft(draft.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? text : text + "\n\n" + draft)
    }

    /// The reply ended: a completed one sends the queued message; after a failure or a stop it
    /// waits, so it is not sent into the same failure (or against the user's stop).
    private mutating func replyEnded(completed: Bool) -> [ChatEffect] {
        guard let id = queuedTurn, let i = index(of: id) else { return [] }
        if completed { return sendQueued() }
        transcript[i].state = .pending(Self.queuedHeldReason)
        log("Your queued message waits: Enter sends it, Esc takes it back.", error: false)
        return []
    }

    private mutating func retryLast() -> [ChatEffect] {
        guard turn == nil else { return refuseWhileStreaming() }
        guard let i = transcript.lastIndex(where: { $0.role == .user && $0.id != queuedTurn }) else {
            show("There is no message to send again yet.", error: false)
            return []
        }
        let prompt = transcript[i]
        let answered = transcript[(i + 1)...].contains { $0.role == .assistant && $0.state == .complete }
        if answered {
            // A complete exchange: retrying would send it again as a duplicate (and cost tokens).
            // Another answer is a regenerate: a new version beside this one.
            show(
                "The last reply is complete: Ctrl+R only retries a failed or stopped message. For another answer, \(Self.regenerateKeys) regenerates it.",
                error: false, seconds: 8)
            return []
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

    mutating func begin(turn id: Int, prompt: String, resend: MessageID?, history: [InputMessage]) -> ChatEffect {
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
            let title = complete(active, with: message)
            return title + replyEnded(completed: true)
        case .failed(let error):
            let effects = fail(active, with: error)
            return effects + replyEnded(completed: false)
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
        var entry = TranscriptEntry(
            id: reply, role: .assistant, text: "", state: .streaming, model: model, createdAt: now)
        if let version = pendingReplyVersion { entry.version = version } // a regenerated reply: "‹ 2/2 ›"
        pendingReplyVersion = nil
        transcript.insert(entry, at: min(at, transcript.count))
        return reply
    }

    /// Marks the reply complete; returns the request for a title when `auto_title` asks for one.
    private mutating func complete(_ active: ActiveTurn, with message: Message) -> [ChatEffect] {
        if let i = index(of: active.id) { transcript[i].state = .complete }
        if let reply = active.replyEntry, let i = index(of: reply) {
            transcript[i].text = message.text
            transcript[i].state = .complete
            transcript[i].usage = message.usage
            transcript[i].model = message.model.isEmpty ? model : message.model
        } else {
            // Before a queued message, which comes after the reply.
            let at = queuedTurn.flatMap { index(of: $0) } ?? transcript.count
            transcript.insert(
                TranscriptEntry(
                    id: takeID(), role: .assistant, text: message.text, model: message.model,
                    usage: message.usage, createdAt: now),
                at: at)
        }
        lastUsage = message.usage
        keys.requestSucceeded(at: now)
        turn = nil
        touchConversation()
        return titleRequest(after: active)
    }

    /// After the first reply of a new conversation, with `auto_title` on: ask for a title.
    private func titleRequest(after active: ActiveTurn) -> [ChatEffect] {
        guard settings.autoTitle, let conversation, earlierCount == 0,
            let prompt = transcript.first(where: { $0.role == .user }), prompt.id == active.id,
            conversation.title == Self.title(for: prompt.text),
            let reply = transcript.first(where: { $0.role == .assistant && $0.state == .complete })
        else { return [] }
        return [
            .suggestTitle(
                TitleRequest(
                    conversation: conversation.id, currentTitle: conversation.title,
                    model: settings.titleModel ?? model, prompt: prompt.text, reply: reply.text))
        ]
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
        var reportBuilder = ErrorReport(
            error: error, keyDescription: key.description, baseURL: settings.baseURL, model: model,
            keySource: key.source)
        reportBuilder.inChat = true
        let report = reportBuilder.text
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
