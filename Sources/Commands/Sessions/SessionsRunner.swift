import AnthropicAPI
import ChatCore
import Foundation
import Safety
import SessionStore

/// `palaver sessions list | show | search | export | import | rm`.
public struct SessionsRunner: Sendable {
    public var context: CommandContext

    public init(context: CommandContext) {
        self.context = context
    }

    private var output: any CommandOutput { context.output }

    public enum Command: Sendable {
        case list(limit: Int)
        case show(String, last: Int?)
        case search(String, limit: Int)
        case export(String, format: ExportFormat, file: String?)
        case importFile(String)
        case remove(String)
    }

    public func run(_ command: Command) -> PalaverExitCode {
        let store: SessionStore
        do {
            store = try SessionStore(path: SessionStore.defaultPath(environment: context.environment))
        } catch {
            output.err("palaver: the session store cannot be used: \(error)\n")
            return .usage
        }
        defer {
            if store.searchIndexRebuilt {
                output.err(
                    "palaver: the full-text search index was damaged; it has been rebuilt from the stored messages.\n")
            }
            try? store.close()
        }
        do {
            switch command {
            case .list(let limit): try list(store, limit: limit)
            case .show(let id, let last): try show(store, try conversation(store, id), last: last)
            case .search(let text, let limit): try search(store, text, limit: limit)
            case .export(let id, let format, let file):
                let text = try store.export(try conversation(store, id).id, format: format)
                if let file {
                    try PrivateFile.write(text.utf8, to: file)
                    output.err("palaver: wrote \(file)\n")
                } else {
                    output.out(text.hasSuffix("\n") ? text : text + "\n")
                }
            case .importFile(let file):
                let data =
                    file == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
                let imported = try store.importConversation(json: String(decoding: data, as: UTF8.self))
                output.out("Imported as conversation \(imported.id): \(clean(imported.title))\n")
            case .remove(let id):
                let target = try conversation(store, id)
                try store.deleteConversation(target.id)
                output.out("Deleted conversation \(target.id): \(clean(target.title))\n")
            }
        } catch let error as UsageProblem {
            output.err("palaver: \(error.message)\n")
            return .usage
        } catch {
            output.err("palaver: \(error)\n")
            return .usage
        }
        return .ok
    }

    struct UsageProblem: Error { var message: String }

    private func conversation(_ store: SessionStore, _ text: String) throws -> Conversation {
        guard let id = ConversationID(text) else {
            throw UsageProblem(message: "\"\(text)\" is not a conversation id; `palaver sessions list` shows them.")
        }
        guard let found = try store.conversation(id) else {
            throw UsageProblem(message: "there is no conversation \(id); `palaver sessions list` shows them.")
        }
        return found
    }

    private func list(_ store: SessionStore, limit: Int) throws {
        let conversations = try store.conversations(limit: limit)
        guard !conversations.isEmpty else {
            output.out("No conversations yet.\n")
            return
        }
        let formatter = Self.dateFormatter
        let idWidth = conversations.map { $0.id.description.count }.max() ?? 2
        for c in conversations {
            let count = try store.messageCount(in: c.id)
            let id = c.id.description.padding(toLength: max(idWidth, 2), withPad: " ", startingAt: 0)
            output.out(
                "\(id)  \(formatter.string(from: c.updatedAt))  \(String(count).leftPadded(5)) msgs  \(c.model)  \(clean(c.title))\n"
            )
        }
        let total = try store.conversationCount()
        if total > conversations.count { output.out("(\(total - conversations.count) more; use --limit)\n") }
    }

    private func show(_ store: SessionStore, _ c: Conversation, last: Int?) throws {
        output.out(
            "# \(clean(c.title))\nconversation \(c.id) · \(c.model)\(c.systemPrompt.map { " · system: \(clean($0))" } ?? "")\n"
        )
        // The active path; a message with other versions (an edited prompt, a regenerated
        // reply) says so beside its heading and names the others after its text.
        if let last {
            try store.lastMessages(in: c.id, limit: last).forEach { try printMessage($0, store) }
        } else {
            try ConversationHistory.forEachMessage(store, in: c.id) { try printMessage($0, store) }
        }
    }

    private func printMessage(_ m: StoredMessage, _ store: SessionStore) throws {
        var heading = "\n## \(m.role == .user ? "You" : "Claude")"
        if m.siblingCount > 1 { heading += " ‹ \(m.siblingIndex + 1)/\(m.siblingCount) ›" }
        switch m.status {
        case .interrupted: heading += " (interrupted)"
        case .failed: heading += " (failed\(m.errorSummary.map { ": \($0)" } ?? ""))"
        case .streaming: heading += " (still streaming)"
        case .pending: heading += " (not answered)"
        case .complete: break
        }
        output.out(clean(heading) + "\n" + clean(m.text) + "\n")
        guard m.siblingCount > 1, let siblings = try store.siblings(of: m.id) else { return }
        var others: [String] = []
        for (index, id) in siblings.ids.enumerated() where id != m.id {
            let text = try store.message(id)?.text ?? ""
            others.append("\(index + 1)/\(siblings.ids.count) \"\(Self.excerpt(text))\"")
        }
        let count = others.count == 1 ? "1 other version" : "\(others.count) other versions"
        output.out(clean("(\(count) of this message: \(others.joined(separator: ", ")))") + "\n")
    }

    /// The first line of a message, cut to 40 characters.
    static func excerpt(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 40 ? line.prefix(39) + "…" : line
    }

    private func search(_ store: SessionStore, _ text: String, limit: Int) throws {
        let hits = try store.search(text, limit: limit)
        guard !hits.isEmpty else {
            output.out("No messages match.\n")
            return
        }
        for hit in hits {
            output.out(
                "conversation \(hit.conversationID) \"\(clean(hit.conversationTitle))\" message \(hit.position) (\(hit.role.rawValue)): \(clean(hit.snippet).replacingOccurrences(of: "\n", with: " "))\n"
            )
        }
    }

    private func clean(_ text: String) -> String {
        output.outIsTerminal ? UntrustedText.sanitize(text) : text
    }

    private static var dateFormatter: DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
