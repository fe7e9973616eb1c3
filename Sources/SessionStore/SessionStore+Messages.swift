import Foundation
import GRDB

extension SessionStore {
    /// The columns ``message(from:)`` decodes, from `FROM messages` (not aliased: the sibling
    /// counts refer to it). A message's position is its `depth`; its place among its siblings
    /// is counted through `messages_by_parent`.
    static let messageColumns = """
        id, conversation_id, depth, role, content, status, model, request_id, input_tokens, \
        output_tokens, cache_creation_input_tokens, cache_read_input_tokens, stop_reason, error_summary, \
        created_at, updated_at, owner_pid, owner_start, heartbeat_at, reply_to, parent_id, \
        (SELECT count(*) FROM messages s WHERE s.conversation_id = messages.conversation_id \
            AND s.parent_id IS messages.parent_id AND s.position < messages.position), \
        (SELECT count(*) FROM messages s WHERE s.conversation_id = messages.conversation_id \
            AND s.parent_id IS messages.parent_id)
        """

    /// A window of the active path ending before a position (the transcript's last screen when
    /// the position is `Int.max`): a range scan of the partial index `messages_active_path`.
    static let windowBeforeSQL = """
        SELECT \(messageColumns) FROM messages
        WHERE conversation_id = ? AND on_path = 1 AND depth < ? ORDER BY depth DESC LIMIT ?
        """

    static let windowAfterSQL = """
        SELECT \(messageColumns) FROM messages
        WHERE conversation_id = ? AND on_path = 1 AND depth > ? ORDER BY depth ASC LIMIT ?
        """

    /// Reads messages, adding the streamed chunks of any `streaming` row to its content.
    static func fetchMessages(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredMessage] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { try message(from: $0, db) }
    }

    static func message(from row: Row, _ db: Database) throws -> StoredMessage {
        var message = message(from: row)
        if message.status == .streaming {
            let chunks = try chunks(of: message.id.rawValue, db)
            if !chunks.isEmpty {
                var blocks = message.content.blocks ?? []
                StoredBlocks.append(chunks.joined(), to: &blocks)
                message.content = StoredContent(blocks: blocks)
            }
        }
        return message
    }

    static func chunks(of messageID: Int64, _ db: Database) throws -> [String] {
        try StoredText.fetchAll(
            db.cachedStatement(sql: "SELECT text FROM message_chunks WHERE message_id = ? ORDER BY seq"),
            arguments: [messageID]
        ).map(\.string)
    }

    /// Folds a streaming row's chunks into its stored content (before its status changes, so
    /// the search index sees the whole text).
    static func foldChunks(of messageID: Int64, _ db: Database) throws {
        let chunks = try chunks(of: messageID, db)
        guard !chunks.isEmpty,
            let stored = try String.fetchOne(
                db, sql: "SELECT content FROM messages WHERE id = ?", arguments: [messageID])
        else { return }
        var blocks = StoredContent(stored: stored).blocks ?? []
        StoredBlocks.append(chunks.joined(), to: &blocks)
        let content = StoredContent(blocks: blocks)
        try db.execute(
            sql: "UPDATE messages SET content = ?, text = ? WHERE id = ?",
            arguments: [content.json, StoredText.searchable(content.text), messageID])
        try db.execute(sql: "DELETE FROM message_chunks WHERE message_id = ?", arguments: [messageID])
    }

    /// Decodes a row without looking at chunks (rows known not to be streaming, or just created).
    static func message(from row: Row) -> StoredMessage {
        let usage = TokenCounts(input: row[8], output: row[9], cacheWrite: row[10], cacheRead: row[11])
        let ownerPID: Int32? = row[16]
        let heartbeat: Int64? = row[18]
        return StoredMessage(
            id: MessageID(row[0]), conversationID: ConversationID(row[1]), position: row[2],
            role: MessageRole(rawValue: row[3]) ?? .user, content: StoredContent(stored: row[4] as String),
            status: MessageStatus(rawValue: row[5]) ?? .interrupted, model: StoredText.read(row, 6),
            requestID: StoredText.read(row, 7), usage: usage.isEmpty ? nil : usage,
            stopReason: StoredText.read(row, 12),
            errorSummary: StoredText.read(row, 13),
            createdAt: Timestamp.date(row[14]), updatedAt: Timestamp.date(row[15]),
            owner: ownerPID.map {
                StreamOwner(pid: $0, startToken: row[17], heartbeatAt: heartbeat.map(Timestamp.date))
            },
            replyTo: (row[19] as Int64?).map(MessageID.init), parentID: (row[20] as Int64?).map(MessageID.init),
            siblingIndex: row[21], siblingCount: row[22])
    }

    // MARK: Writing

    /// Stores the user's turn. Call this *before* sending the request, then set `complete` or
    /// `failed` with ``setStatus(of:to:errorSummary:)``. Key-shaped text is masked.
    ///
    /// `parent` places it in the tree: after the active path's last message (a new prompt, the
    /// default), under a given message, or beside one (`.siblingOf(prompt)`: an edited prompt).
    /// The new message becomes the active leaf, so the active path runs through it. Throws
    /// `.invalidArgument` for a message that is not in this conversation.
    @discardableResult
    public func appendUserMessage(
        to conversation: ConversationID, text: String, status: MessageStatus = .pending,
        under parent: MessageParent = .activeLeaf
    )
        throws(SessionStoreError) -> StoredMessage
    {
        try appendUserMessage(to: conversation, content: StoredContent(text: text), status: status, under: parent)
    }

    /// Stores the user's turn given as stored content (e.g. tool results). Throws
    /// `.invalidArgument` for content that is not an array of blocks.
    @discardableResult
    public func appendUserMessage(
        to conversation: ConversationID, content: StoredContent,
        status: MessageStatus = .pending, under parent: MessageParent = .activeLeaf
    ) throws(SessionStoreError) -> StoredMessage {
        guard status == .pending || status == .complete || status == .failed else {
            throw SessionStoreError(
                .invalidArgument, path: nil,
                reason: "a user message is pending, complete or failed, not \(status.rawValue)")
        }
        let content = try Self.prepared(content)
        return try insertMessage(
            conversation, role: .user, json: content.json, text: content.text, status: status,
            model: nil, owner: nil, parent: parent)
    }

    /// Creates the assistant's reply as an empty `streaming` row owned by this process, at
    /// stream start. Feed it through ``checkpointer(for:policy:clock:)``. `prompt` is the user
    /// message it answers (recorded, so that two prompts sent at once are each paired with their
    /// own reply); it must be a user message of the same conversation. Without it the reply is
    /// taken to answer the nearest user message above it.
    ///
    /// `parent` places it in the tree: by default after the active path's last message (the
    /// prompt just sent, or, for a retry, the interrupted or failed reply it follows in place,
    /// as before branching); `.message(prompt)` for a regenerate, a new sibling of the prompt's
    /// replies. The reply becomes the active leaf.
    @discardableResult
    public func beginAssistantMessage(
        in conversation: ConversationID, model: String, answering prompt: MessageID? = nil,
        under parent: MessageParent = .activeLeaf
    )
        throws(SessionStoreError) -> StoredMessage
    {
        try insertMessage(
            conversation, role: .assistant, json: "[]", text: "", status: .streaming, model: model,
            owner: identity, replyTo: prompt, parent: parent)
    }

    private func insertMessage(
        _ conversation: ConversationID, role: MessageRole, json: String, text: String,
        status: MessageStatus, model: String?, owner: ProcessIdentity?, replyTo: MessageID? = nil,
        parent: MessageParent
    )
        throws(SessionStoreError) -> StoredMessage
    {
        let now = nowMilliseconds
        var badPrompt = false
        var badParent: MessageID?
        let row = try write { db -> Row? in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM conversations WHERE id = ?",
                    arguments: [conversation.rawValue]) != nil
            else { return nil }
            if let replyTo,
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT 1 FROM messages WHERE id = ? AND conversation_id = ? AND role = 'user'
                        """, arguments: [replyTo.rawValue, conversation.rawValue]) == nil
            {
                badPrompt = true
                return nil
            }
            let parentRow: (id: Int64, depth: Int)?
            switch parent {
            case .activeLeaf:
                parentRow = try Self.activeLeafRow(conversation.rawValue, db)
            case .message(let id), .siblingOf(let id):
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT parent_id, depth FROM messages WHERE id = ? AND conversation_id = ?",
                        arguments: [id.rawValue, conversation.rawValue])
                else {
                    badParent = id
                    return nil
                }
                if case .message = parent {
                    parentRow = (id.rawValue, row[1])
                } else {
                    parentRow = (row[0] as Int64?).map { ($0, row[1] - 1) }
                }
            }
            try Self.activatePath(to: parentRow?.id, in: conversation.rawValue, db)
            // The write transaction is IMMEDIATE, so no other writer can take the same position.
            let position =
                try Int.fetchOne(
                    db, sql: "SELECT max(position) FROM messages WHERE conversation_id = ?",
                    arguments: [conversation.rawValue]) ?? 0
            try db.execute(
                sql: """
                    INSERT INTO messages (conversation_id, position, role, content, text, status, model,
                                          created_at, updated_at, owner_pid, owner_start, heartbeat_at, reply_to,
                                          parent_id, depth, on_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [
                    conversation.rawValue, position + 1, role.rawValue, json, StoredText.searchable(text),
                    status.rawValue, StoredText.bind(model),
                    now, now, owner?.pid, owner?.startToken, owner == nil ? nil : now, replyTo?.rawValue,
                    parentRow?.id, (parentRow?.depth ?? 0) + 1,
                ])
            let id = db.lastInsertedRowID
            try db.execute(
                sql: "UPDATE conversations SET updated_at = ? WHERE id = ?", arguments: [now, conversation.rawValue])
            return try Row.fetchOne(
                db, sql: "SELECT \(Self.messageColumns) FROM messages WHERE id = ?", arguments: [id])
        }
        if let badParent {
            throw SessionStoreError(
                .invalidArgument, path: nil, reason: "message \(badParent) is not in conversation \(conversation)")
        }
        if badPrompt, let replyTo {
            throw SessionStoreError(
                .invalidArgument, path: nil,
                reason: "message \(replyTo) is not a user message of conversation \(conversation)")
        }
        guard let row else { throw Self.noConversation(conversation) }
        return Self.message(from: row)
    }

    /// Sets a message's status (a user message's `pending` → `complete` / `failed`), with an
    /// optional error summary (key-shaped text masked). Throws `.notFound` for an unknown id.
    public func setStatus(of id: MessageID, to status: MessageStatus, errorSummary: String? = nil)
        throws(SessionStoreError)
    {
        guard status != .streaming else {
            throw SessionStoreError(
                .invalidArgument, path: nil, reason: "only beginAssistantMessage starts a streaming reply")
        }
        let now = nowMilliseconds
        let changed = try write { db in
            try Self.foldChunks(of: id.rawValue, db)
            try db.execute(
                sql: """
                    UPDATE messages SET status = ?, error_summary = coalesce(?, error_summary), updated_at = ?
                    WHERE id = ?
                    """, arguments: [status.rawValue, StoredText.bind(redactedText(errorSummary)), now, id.rawValue])
            return db.changesCount
        }
        if changed == 0 { throw Self.noMessage(id) }
    }

    /// Writes an assistant reply's final state and releases its owner. `content: nil` keeps the
    /// content of the last checkpoint (e.g. for an interrupted stream). Bumps the conversation's
    /// `updatedAt`. Key-shaped text in the content and the error summary is masked.
    @discardableResult
    public func finishAssistantMessage(
        _ id: MessageID, content: StoredContent?, usage: TokenCounts? = nil,
        stopReason: String? = nil, requestID: String? = nil,
        status: MessageStatus = .complete, errorSummary: String? = nil
    )
        throws(SessionStoreError) -> StoredMessage
    {
        guard status == .complete || status == .interrupted || status == .failed else {
            throw SessionStoreError(
                .invalidArgument, path: nil,
                reason: "a reply finishes complete, interrupted or failed, not \(status.rawValue)")
        }
        let prepared = try content.map { (content) throws(SessionStoreError) in try Self.prepared(content) }
        let json = prepared?.json
        let text = prepared.map { StoredText.searchable($0.text) }
        let now = nowMilliseconds
        let row = try write { db -> Row? in
            if json == nil {
                try Self.foldChunks(of: id.rawValue, db)
            } else {
                try db.execute(sql: "DELETE FROM message_chunks WHERE message_id = ?", arguments: [id.rawValue])
            }
            try db.execute(
                sql: """
                    UPDATE messages SET content = coalesce(?, content), text = coalesce(?, text), status = ?,
                        input_tokens = ?, output_tokens = ?, cache_creation_input_tokens = ?, cache_read_input_tokens = ?,
                        stop_reason = ?, request_id = coalesce(?, request_id), error_summary = ?, updated_at = ?,
                        owner_pid = NULL, owner_start = NULL, heartbeat_at = NULL
                    WHERE id = ? AND role = 'assistant'
                    """,
                arguments: [
                    json, text, status.rawValue, usage?.input, usage?.output,
                    usage?.cacheWrite, usage?.cacheRead, StoredText.bind(stopReason),
                    StoredText.bind(requestID), StoredText.bind(redactedText(errorSummary)), now, id.rawValue,
                ])
            guard db.changesCount > 0 else { return nil }
            try db.execute(
                sql: """
                    UPDATE conversations SET updated_at = ? WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)
                    """, arguments: [now, id.rawValue])
            return try Row.fetchOne(
                db, sql: "SELECT \(Self.messageColumns) FROM messages WHERE id = ?", arguments: [id.rawValue])
        }
        guard let row else {
            throw SessionStoreError(.notFound, path: nil, reason: "no assistant message \(id)")
        }
        return Self.message(from: row)
    }

    /// Content on its way into the store: key-shaped text in text blocks masked, the JSON
    /// normalised. Throws `.invalidArgument` for content that is not an array of blocks.
    static func prepared(_ content: StoredContent) throws(SessionStoreError) -> StoredContent {
        guard let blocks = content.blocks else {
            throw SessionStoreError(
                .invalidArgument, path: nil, reason: "content must be a JSON array of blocks, each with a \"type\"")
        }
        return StoredContent(blocks: StoredBlocks.redacted(blocks))
    }

    /// What one checkpoint writes.
    enum CheckpointWrite {
        /// The whole content (replacing any chunks).
        case full(json: String, text: String)
        /// Text appended since the last checkpoint.
        case chunk(seq: Int, text: String)
        /// Only the heartbeat.
        case heartbeat
    }

    /// One checkpoint of a streaming reply, with a fresh heartbeat. Applies only while `owner`
    /// still owns the row; a row another process marked `interrupted` while this one was still
    /// writing (it missed heartbeats, e.g. while suspended) becomes `streaming` again. Returns
    /// false when the row is no longer this writer's.
    func writeCheckpoint(_ id: MessageID, _ checkpoint: CheckpointWrite, owner: ProcessIdentity)
        throws(SessionStoreError) -> Bool
    {
        let now = nowMilliseconds
        let changesContent: Bool
        if case .heartbeat = checkpoint { changesContent = false } else { changesContent = true }
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE messages SET status = 'streaming', heartbeat_at = ?,
                        updated_at = CASE WHEN ? THEN ? ELSE updated_at END
                    WHERE id = ? AND owner_pid = ? AND owner_start IS ? AND status IN ('streaming', 'interrupted')
                    """, arguments: [now, changesContent, now, id.rawValue, owner.pid, owner.startToken])
            guard db.changesCount > 0 else { return false }
            switch checkpoint {
            case .full(let json, let text):
                try db.execute(
                    sql: "UPDATE messages SET content = ?, text = ? WHERE id = ?",
                    arguments: [json, StoredText.searchable(text), id.rawValue])
                try db.execute(sql: "DELETE FROM message_chunks WHERE message_id = ?", arguments: [id.rawValue])
            case .chunk(let seq, let text):
                try db.execute(
                    sql: "INSERT INTO message_chunks (message_id, seq, text) VALUES (?, ?, ?)",
                    arguments: [id.rawValue, seq, StoredText(text)])
            case .heartbeat:
                break
            }
            return true
        }
    }

    static func noMessage(_ id: MessageID) -> SessionStoreError {
        SessionStoreError(.notFound, path: nil, reason: "no message \(id)")
    }

    // MARK: Reading

    /// The message, or `nil` if there is none with this id.
    public func message(_ id: MessageID) throws(SessionStoreError) -> StoredMessage? {
        try read { db in
            try Self.fetchMessages(
                db, sql: "SELECT \(Self.messageColumns) FROM messages WHERE id = ?",
                arguments: [id.rawValue]
            ).first
        }
    }

    /// The last `limit` messages of a conversation, oldest first: the last screen of a
    /// transcript. Reads only those rows, through the `(conversation_id, position)` index.
    public func lastMessages(in conversation: ConversationID, limit: Int) throws(SessionStoreError) -> [StoredMessage] {
        try messages(in: conversation, before: Int.max, limit: limit)
    }

    /// Up to `limit` messages just before `position`, oldest first (scrolling back).
    public func messages(in conversation: ConversationID, before position: Int, limit: Int)
        throws(SessionStoreError) -> [StoredMessage]
    {
        try Self.requireLimit(limit)
        return try read { db in
            try Self.fetchMessages(db, sql: Self.windowBeforeSQL, arguments: [conversation.rawValue, position, limit])
                .reversed()
        }
    }

    /// Up to `limit` messages just after `position`, oldest first (paging forward, e.g. to send
    /// a whole conversation as context: start `after: 0`).
    public func messages(in conversation: ConversationID, after position: Int, limit: Int)
        throws(SessionStoreError) -> [StoredMessage]
    {
        try Self.requireLimit(limit)
        return try read { db in
            try Self.fetchMessages(db, sql: Self.windowAfterSQL, arguments: [conversation.rawValue, position, limit])
        }
    }

    /// How many messages the conversation's active path has (the position of its active leaf).
    public func messageCount(in conversation: ConversationID) throws(SessionStoreError) -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT max(depth) FROM messages WHERE conversation_id = ? AND on_path = 1",
                arguments: [conversation.rawValue]) ?? 0
        }
    }

    /// The user message a reply answered: the one it records (``StoredMessage/replyTo``), else
    /// the nearest user message above it in the tree (its parent, for a reply stored after
    /// branching). A retry of an interrupted or failed reply re-sends this message. `nil` if
    /// the id is unknown or no user message precedes it.
    public func userMessage(answeredBy reply: MessageID) throws(SessionStoreError) -> StoredMessage? {
        try read { db in
            if let prompt = try Int64.fetchOne(
                db, sql: "SELECT reply_to FROM messages WHERE id = ?", arguments: [reply.rawValue])
            {
                return try Self.fetchMessages(
                    db, sql: "SELECT \(Self.messageColumns) FROM messages WHERE id = ?",
                    arguments: [prompt]
                ).first
            }
            return try Self.fetchMessages(
                db,
                sql: """
                    WITH RECURSIVE up(id, parent, role, step) AS (
                        SELECT id, parent_id, role, 0 FROM messages WHERE id = ?
                        UNION ALL
                        SELECT m.id, m.parent_id, m.role, up.step + 1 FROM messages m JOIN up ON m.id = up.parent
                        WHERE up.step = 0 OR up.role <> 'user'
                    )
                    SELECT \(Self.messageColumns) FROM messages
                    WHERE id = (SELECT id FROM up WHERE step > 0 AND role = 'user' ORDER BY step LIMIT 1)
                    """, arguments: [reply.rawValue]
            ).first
        }
    }

    static func requireLimit(_ limit: Int) throws(SessionStoreError) {
        guard limit >= 0 else {
            throw SessionStoreError(.invalidArgument, path: nil, reason: "limit must not be negative")
        }
    }
}
