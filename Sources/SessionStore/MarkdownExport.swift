import PlainJSON

/// Renders an export document (the JSON form) as Markdown for people to read: its active path,
/// numbered along the path, a message with other versions marked "version 2/3".
///
/// It reads the export's own fields and, in the content, the members a block of each known
/// `type` carries (`text`, `tool_use` name and input, `thinking`); any other block is named by
/// its type. This is presentation of the stored format, not a model of the API.
enum MarkdownExport {
    /// A message of the active path: its index in the document's messages, and its place among
    /// its siblings ("2/3") when it has any.
    struct PathEntry {
        var index: Int
        var version: String?
    }

    static func render(_ document: StoredJSON, path: [PathEntry]) -> String {
        let c = document["conversation"] ?? .null
        var out = ""
        let title = c["title"]?.stringValue ?? ""
        out += "# \(title.isEmpty ? "Untitled conversation" : singleLine(title))\n\n"
        out += "- Model: `\(c["model"]?.stringValue ?? "")`\n"
        out += "- Created: \(c["created_at"]?.stringValue ?? "")\n"
        out += "- Updated: \(c["updated_at"]?.stringValue ?? "")\n"
        let all = document["messages"]?.arrayValue ?? []
        out += "- Messages: \(path.count)\n"
        if let prompt = c["system_prompt"]?.stringValue, !prompt.isEmpty {
            out += "\n## System prompt\n\n" + quoted(prompt) + "\n"
        }
        for (number, entry) in zip(1..., path) {
            let m = all[entry.index]
            out += "\n---\n\n" + heading(m, number: number, version: entry.version) + "\n\n"
            let body = blocks(m["content"]?.arrayValue ?? [])
            out += body.isEmpty ? "_(no content)_\n" : body
            if let note = statusNote(m) { out += "\n" + note + "\n" }
        }
        return out
    }

    private static func heading(_ m: StoredJSON, number: Int, version: String?) -> String {
        let role = m["role"]?.stringValue == "assistant" ? "Assistant" : "User"
        var parts = ["### \(number) · \(role)"]
        if let version { parts.append("version \(version)") }
        if let model = m["model"]?.stringValue, role == "Assistant" { parts.append("`\(model)`") }
        switch m["status"]?.stringValue {
        case "interrupted": parts.append("⚠ interrupted")
        case "failed": parts.append("✗ failed")
        case "pending": parts.append("not sent")
        case "streaming": parts.append("still streaming")
        default: break
        }
        parts.append(m["created_at"]?.stringValue ?? "")
        return parts.joined(separator: " · ")
    }

    private static func statusNote(_ m: StoredJSON) -> String? {
        let summary = m["error_summary"]?.stringValue.map { " " + singleLine($0) } ?? ""
        switch m["status"]?.stringValue {
        case "interrupted": return "> **Interrupted:** this reply stopped before it finished.\(summary)"
        case "failed": return "> **Failed:**\(summary.isEmpty ? " the request did not complete." : summary)"
        case "pending": return "> **Not sent:** this message was stored but its request never completed."
        default: return nil
        }
    }

    private static func blocks(_ blocks: [StoredJSON]) -> String {
        var out = ""
        for block in blocks {
            if !out.isEmpty { out += "\n" }
            switch block["type"]?.stringValue {
            case "text":
                out += (block["text"]?.stringValue ?? "") + "\n"
            case "tool_use":
                out += "**Tool call** `\(block["name"]?.stringValue ?? "")`\n\n"
                out += fenced(block["input"]?.serialized() ?? "{}", language: "json")
            case "tool_result":
                out += "**Tool result**\n\n" + fenced(block["content"]?.serialized() ?? "", language: "json")
            case "thinking":
                out +=
                    "<details><summary>Thinking</summary>\n\n" + (block["thinking"]?.stringValue ?? "")
                    + "\n\n</details>\n"
            case "redacted_thinking":
                out += "_(redacted thinking)_\n"
            case let type:
                out += "_(\(type ?? "unknown") block)_\n"
            }
        }
        return out
    }

    /// A fenced code block whose fence is longer than any backtick run inside.
    private static func fenced(_ text: String, language: String) -> String {
        var longest = 0
        var run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + text + "\n" + fence + "\n"
    }

    private static func quoted(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }
            .joined(separator: "\n")
    }

    private static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
