import Foundation
import GRDB
import PlainJSON

/// The export format's identity; `importConversation` refuses anything else.
enum ExportDocument {
    static let format = "palaver.conversation"
    /// 1: no tree fields, every message follows the message before it, and the last message is
    /// the active leaf (all exports before
    /// branching, and every conversation of that shape since, byte for byte as before).
    static let version = 1
    /// 2: a tree of any shape (`parent` on every message, `active_leaf`); palavers that read
    /// only version 1 refuse it rather than flatten its branches.
    static let treeVersion = 2
    static let readableVersions = 1...2
}

extension SessionStore {
    /// A conversation as Markdown or JSON text.
    ///
    /// JSON is compact with sorted keys: `{"conversation":{…},"format":"palaver.conversation",
    /// "messages":[…],"version":1}`. It holds the whole tree, everything stored except database
    /// ids, the owner bookkeeping of streaming rows and the draft: title, model, system prompt,
    /// timestamps (ISO 8601 with milliseconds, UTC), and per message, in creation order, its
    /// position (creation order, 1, 2, 3…: a message's name in the document), role, status,
    /// content blocks in the API's JSON shape (exactly as stored), model, request id, usage,
    /// stop reason, error summary and, for a reply, the position of the prompt it answers
    /// (`in_reply_to`, `null` when not recorded). A conversation that has branched is
    /// `"version":2` and adds the tree: per message its parent's position (`parent`, `null` for
    /// a first prompt) and the active leaf's position (`conversation.active_leaf`); without them
    /// (version 1) each message follows the one before it and the last is the active leaf: one
    /// path, as every conversation stored before branching reads. Every string is kept exactly,
    /// NULs included. ``importConversation(json:)`` reads it back, and exporting the imported
    /// copy gives the same bytes.
    ///
    /// Markdown is the active path: the title, model, dates and system prompt, then one section
    /// per message with a role heading numbered along the path ("version 2/3" when the message
    /// has other versions); interrupted, failed and unsent turns are marked, tool calls are
    /// fenced JSON and thinking sits in a `<details>` block.
    public func export(_ id: ConversationID, format: ExportFormat) throws(SessionStoreError) -> String {
        let (document, path) = try exportDocument(id)
        switch format {
        case .json: return document.serialized() + "\n"
        case .markdown: return MarkdownExport.render(document, path: path)
        }
    }

    /// The export document and its messages on the active path, in path order: their indices
    /// in the document's messages and, for one with siblings, its place among them ("2/3").
    private func exportDocument(_ id: ConversationID) throws(SessionStoreError) -> (
        StoredJSON, [MarkdownExport.PathEntry]
    ) {
        let document = try read { db -> (StoredJSON, [MarkdownExport.PathEntry])? in
            guard
                let c = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT title, model, system_prompt, created_at, updated_at FROM conversations WHERE id = ?
                        """, arguments: [id.rawValue])
            else { return nil }
            var messages: [StoredJSON] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, position, role, content, status, model, request_id, input_tokens, output_tokens,
                           cache_creation_input_tokens, cache_read_input_tokens, stop_reason, error_summary,
                           created_at, updated_at,
                           (SELECT p.position FROM messages p WHERE p.id = messages.reply_to),
                           (SELECT p.position FROM messages p WHERE p.id = messages.parent_id), on_path
                    FROM messages WHERE conversation_id = ? ORDER BY position
                    """, arguments: [id.rawValue])
            func exportedContentOf(_ row: Row) throws -> StoredJSON {
                let stored = (try? StoredJSON.parse(row[3] as String)) ?? .array([])
                guard row[4] as String == MessageStatus.streaming.rawValue, case .array(var blocks) = stored else {
                    return stored
                }
                StoredBlocks.append(try Self.chunks(of: row[0], db).joined(), to: &blocks)
                return .array(blocks)
            }
            var path: [Int] = []
            var activeLeaf: Int?
            var parents: [Int?] = []
            var singlePath = true // every parent is the version 1 default: the message before
            while let row = try rows.next() {
                let parent = row[16] as Int?
                if parent != messages.last?["position"]?.intValue { singlePath = false }
                parents.append(parent)
                if row[17] as Int == 1 {
                    path.append(messages.count)
                    activeLeaf = row[1]
                }
                var usage: [String: StoredJSON] = [:]
                for (index, key) in [
                    (7, "input_tokens"), (8, "output_tokens"), (9, "cache_creation_input_tokens"),
                    (10, "cache_read_input_tokens"),
                ] {
                    if let value = row[index] as Int? { usage[key] = .int(value) }
                }
                messages.append(
                    .object([
                        "position": .int(row[1]),
                        "role": .string(row[2]),
                        "content": try exportedContentOf(row),
                        "status": .string(row[4]),
                        "model": Self.jsonString(StoredText.read(row, 5)),
                        "request_id": Self.jsonString(StoredText.read(row, 6)),
                        "usage": usage.isEmpty ? .null : .object(usage),
                        "stop_reason": Self.jsonString(StoredText.read(row, 11)),
                        "error_summary": Self.jsonString(StoredText.read(row, 12)),
                        "in_reply_to": (row[15] as Int?).map(StoredJSON.int) ?? .null,
                        "created_at": .string(Timestamp.iso8601(row[13])),
                        "updated_at": .string(Timestamp.iso8601(row[14])),
                    ]))
            }
            // A child is created after its parent, so the path in creation order is in path order.
            if activeLeaf != messages.last?["position"]?.intValue { singlePath = false }
            var conversation: [String: StoredJSON] = [
                "title": .string(StoredText.read(c, 0) ?? ""),
                "model": .string(StoredText.read(c, 1) ?? ""),
                "system_prompt": Self.jsonString(StoredText.read(c, 2)),
                "created_at": .string(Timestamp.iso8601(c[3])),
                "updated_at": .string(Timestamp.iso8601(c[4])),
            ]
            if !singlePath {
                conversation["active_leaf"] = activeLeaf.map(StoredJSON.int) ?? .null
                for (index, parent) in parents.enumerated() {
                    guard case .object(var members) = messages[index] else { continue }
                    members["parent"] = parent.map(StoredJSON.int) ?? .null
                    messages[index] = .object(members)
                }
            }
            let document: StoredJSON = .object([
                "format": .string(ExportDocument.format),
                "version": .int(singlePath ? ExportDocument.version : ExportDocument.treeVersion),
                "conversation": .object(conversation),
                "messages": .array(messages),
            ])
            var children: [Int?: [Int]] = [:] // parent position → children's indices, in creation order
            for (index, parent) in parents.enumerated() { children[parent, default: []].append(index) }
            let entries = path.map { index -> MarkdownExport.PathEntry in
                let siblings = children[parents[index]] ?? [index]
                let place = siblings.firstIndex(of: index) ?? 0
                return MarkdownExport.PathEntry(
                    index: index, version: siblings.count > 1 ? "\(place + 1)/\(siblings.count)" : nil)
            }
            return (document, entries)
        }
        guard let document else { throw Self.noConversation(id) }
        return document
    }

    private static func jsonString(_ value: String?) -> StoredJSON {
        value.map(StoredJSON.string) ?? .null
    }

    /// Creates a new conversation from a JSON export (see ``export(_:format:)``), keeping its
    /// tree, active leaf, timestamps, positions, statuses, usage and content exactly. A message
    /// without a `parent` field (all of them in a version 1 export, made before branching)
    /// follows the message before it, and a document without `active_leaf` ends its active path
    /// at its last message: a pre-branching export imports as one path, as the schema
    /// migration turns stored conversations into one. A message exported while it
    /// was still `streaming` is imported as `interrupted` (no process is writing it here).
    /// Key-shaped text is masked, as for everything stored. Throws `.invalidImport` naming
    /// what is wrong, and stores nothing in that case.
    @discardableResult
    public func importConversation(json: String) throws(SessionStoreError) -> Conversation {
        let parsed: StoredJSON
        do {
            parsed = try StoredJSON.parse(json)
        } catch {
            throw Self.invalidImport("not valid JSON")
        }
        let plan = try ImportPlan(parsed)
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO conversations (title, model, system_prompt, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    StoredText(storeRedact(plan.title)), StoredText(plan.model),
                    StoredText.bind(redactedText(plan.systemPrompt)),
                    plan.createdAt, plan.updatedAt,
                ])
            let conversationID = db.lastInsertedRowID
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO messages (conversation_id, position, role, content, text, status, model, request_id,
                        input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens,
                        stop_reason, error_summary, created_at, updated_at, reply_to, parent_id, depth, on_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var ids: [Int: Int64] = [:] // position → new id, for `in_reply_to` and `parent`
            var depths: [Int: Int] = [:]
            let path = plan.activePath
            for m in plan.messages {
                let depth = (m.parent.flatMap { depths[$0] } ?? 0) + 1
                depths[m.position] = depth
                let content = StoredContent(blocks: StoredBlocks.redacted(m.content))
                try insert.execute(arguments: [
                    conversationID, m.position, m.role.rawValue, content.json,
                    StoredText.searchable(content.text), m.status.rawValue,
                    StoredText.bind(m.model), StoredText.bind(m.requestID),
                    m.usage["input_tokens"], m.usage["output_tokens"], m.usage["cache_creation_input_tokens"],
                    m.usage["cache_read_input_tokens"], StoredText.bind(m.stopReason),
                    StoredText.bind(redactedText(m.errorSummary)),
                    m.createdAt, m.updatedAt, m.replyTo.flatMap { ids[$0] }, m.parent.flatMap { ids[$0] }, depth,
                    path.contains(m.position) ? 1 : 0,
                ])
                ids[m.position] = db.lastInsertedRowID
            }
            let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.conversationColumns) FROM conversations WHERE id = ?",
                arguments: [conversationID])!
            return Self.conversation(from: row)
        }
    }

    static func invalidImport(_ reason: String) -> SessionStoreError {
        SessionStoreError(.invalidImport, path: nil, reason: "cannot import: \(reason)")
    }
}

/// A validated export document, ready to insert.
private struct ImportPlan {
    struct Message {
        var position: Int
        var role: MessageRole
        var content: [StoredJSON]
        var status: MessageStatus
        var model: String?
        var requestID: String?
        var usage: [String: Int]
        var stopReason: String?
        var errorSummary: String?
        var createdAt: Int64
        var updatedAt: Int64
        /// The position of the user message this reply answers.
        var replyTo: Int?
        /// The position of the message this one follows; `nil` for a first prompt.
        var parent: Int?
    }

    var title: String
    var model: String
    var systemPrompt: String?
    var createdAt: Int64
    var updatedAt: Int64
    var messages: [Message] = []
    /// The position of the active path's last message.
    var activeLeaf: Int?

    /// The positions on the active path.
    var activePath: Set<Int> {
        let parents = Dictionary(uniqueKeysWithValues: messages.map { ($0.position, $0.parent) })
        var path: Set<Int> = []
        var next = activeLeaf
        while let position = next {
            path.insert(position)
            next = parents[position] ?? nil
        }
        return path
    }

    init(_ document: StoredJSON) throws(SessionStoreError) {
        func fail(_ reason: String) -> SessionStoreError { SessionStore.invalidImport(reason) }
        guard document["format"]?.stringValue == ExportDocument.format else {
            throw fail("not a palaver conversation export (\"format\" is not \"\(ExportDocument.format)\")")
        }
        guard let version = document["version"]?.intValue, ExportDocument.readableVersions.contains(version) else {
            throw fail("unsupported export version \(document["version"].map { $0.serialized() } ?? "none")")
        }
        guard let c = document["conversation"], case .object = c else { throw fail("no \"conversation\" object") }
        func string(_ value: StoredJSON?, _ name: String) throws(SessionStoreError) -> String {
            guard let s = value?.stringValue else { throw fail("\(name) must be a string") }
            return s
        }
        func optionalString(_ value: StoredJSON?, _ name: String) throws(SessionStoreError) -> String? {
            guard let value, !value.isNull else { return nil }
            guard let s = value.stringValue else { throw fail("\(name) must be a string or null") }
            return s
        }
        func time(_ value: StoredJSON?, _ name: String) throws(SessionStoreError) -> Int64 {
            guard let s = value?.stringValue, let ms = Timestamp.parseISO8601(s) else {
                throw fail("\(name) must be a time like 2026-01-02T03:04:05.678Z")
            }
            return ms
        }
        title = try string(c["title"], "conversation.title")
        model = try string(c["model"], "conversation.model")
        systemPrompt = try optionalString(c["system_prompt"], "conversation.system_prompt")
        createdAt = try time(c["created_at"], "conversation.created_at")
        updatedAt = try time(c["updated_at"], "conversation.updated_at")
        guard let items = document["messages"]?.arrayValue else { throw fail("no \"messages\" array") }
        var lastPosition = 0
        var userPositions: Set<Int> = []
        var positions: Set<Int> = []
        for (index, m) in items.enumerated() {
            let name = "messages[\(index)]"
            guard case .object = m else { throw fail("\(name) must be an object") }
            guard let position = m["position"]?.intValue, position > lastPosition else {
                throw fail("\(name).position must be an integer greater than the previous one")
            }
            lastPosition = position
            guard let role = m["role"]?.stringValue.flatMap(MessageRole.init(rawValue:)) else {
                throw fail("\(name).role must be \"user\" or \"assistant\"")
            }
            guard var status = m["status"]?.stringValue.flatMap(MessageStatus.init(rawValue:)) else {
                throw fail(
                    "\(name).status must be one of \(MessageStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if status == .streaming { status = .interrupted }
            var replyTo: Int?
            if let value = m["in_reply_to"], !value.isNull {
                guard role == .assistant, let prompt = value.intValue, userPositions.contains(prompt) else {
                    throw fail(
                        "\(name).in_reply_to must be null or, in a reply, the position of an earlier user message")
                }
                replyTo = prompt
            }
            // Absent (a version 1 export): the message before it.
            var parent = messages.last?.position
            if let value = m["parent"] {
                if value.isNull {
                    parent = nil
                } else {
                    guard let p = value.intValue, positions.contains(p) else {
                        throw fail("\(name).parent must be null or the position of an earlier message")
                    }
                    parent = p
                }
            }
            if role == .user { userPositions.insert(position) }
            positions.insert(position)
            guard let content = m["content"].flatMap(StoredContent.validBlocks) else {
                throw fail("\(name).content must be an array of content blocks, each with a \"type\"")
            }
            var usage: [String: Int] = [:]
            if let u = m["usage"], !u.isNull {
                guard let members = u.objectValue else { throw fail("\(name).usage must be an object or null") }
                for key in ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] {
                    guard let value = members[key], !value.isNull else { continue }
                    guard let n = value.intValue else { throw fail("\(name).usage.\(key) must be an integer") }
                    usage[key] = n
                }
            }
            messages.append(
                Message(
                    position: position, role: role, content: content, status: status,
                    model: try optionalString(m["model"], "\(name).model"),
                    requestID: try optionalString(m["request_id"], "\(name).request_id"), usage: usage,
                    stopReason: try optionalString(m["stop_reason"], "\(name).stop_reason"),
                    errorSummary: try optionalString(m["error_summary"], "\(name).error_summary"),
                    createdAt: try time(m["created_at"], "\(name).created_at"),
                    updatedAt: try time(m["updated_at"], "\(name).updated_at"), replyTo: replyTo, parent: parent))
        }
        activeLeaf = messages.last?.position
        if let value = c["active_leaf"], !value.isNull {
            guard let leaf = value.intValue, positions.contains(leaf) else {
                throw fail("conversation.active_leaf must be null or the position of a message")
            }
            activeLeaf = leaf
        } else if c["active_leaf"]?.isNull == true, !messages.isEmpty {
            throw fail("conversation.active_leaf must be the position of a message")
        }
    }
}
