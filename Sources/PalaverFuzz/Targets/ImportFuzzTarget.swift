import AnthropicAPI
import Foundation
import SessionStore

/// Session import from JSON (SessionStore.importConversation): what imports exports again,
/// the export imports again to the same bytes, and the title survives as given.
struct ImportFuzzTarget: FuzzTarget {
    static let name = "import"
    static let summary =
        "session import (SessionStore.importConversation from JSON); import → export → import → export is stable"

    private let directory: String
    private var store: SessionStore
    private var imports = 0

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("palaver-fuzz-import-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SessionStore(path: directory + "/fuzz.sqlite")
    }

    var seeds: [[UInt8]] {
        let message = { (position: Int, role: String, content: String, status: String) in
            "{\"content\":\(content),\"created_at\":\"2026-01-02T03:04:05.678Z\",\"error_summary\":null,\"model\":\"claude-x\",\"position\":\(position),"
                + "\"request_id\":\"req_1\",\"role\":\"\(role)\",\"status\":\"\(status)\",\"stop_reason\":\"end_turn\","
                + "\"updated_at\":\"2026-01-02T03:04:06.000Z\",\"usage\":{\"input_tokens\":12,\"output_tokens\":34}}"
        }
        let document = { (title: String, messages: [String]) in
            "{\"conversation\":{\"created_at\":\"2026-01-02T03:04:05.678Z\",\"model\":\"claude-x\",\"system_prompt\":\"Be brief.\","
                + "\"title\":\(title),\"updated_at\":\"2026-01-02T03:05:00.000Z\"},\"format\":\"palaver.conversation\","
                + "\"messages\":[\(messages.joined(separator: ","))],\"version\":1}"
        }
        return [
            document(
                "\"Hello wörld\"",
                [
                    message(1, "user", "[{\"type\":\"text\",\"text\":\"hi\"}]", "complete"),
                    message(
                        2, "assistant",
                        "[{\"type\":\"text\",\"text\":\"hello\"},{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{\"a\":[1,2.5]}}]",
                        "complete"),
                ]),
            document(
                "\"esc \\u001b[2J and nul \\u0000 in a title\"",
                [message(1, "user", "[{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"s\"}]", "streaming")]),
            document("\"empty\"", []),
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "\"status\":\"failed\"", "\"status\":\"interrupted\"", "\"role\":\"assistant\"", "\"position\":",
            "\"usage\":", "null", "\\u0000",
            "\"type\":\"text\"", "1e300", "-1", "9223372036854775807", "\"2026-13-40T25:61:61.999Z\"",
            "\"0000-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59.999Z\"", "sk-ant-api03-abcdefghijklmnop",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { ["[", "{\"input\":"].map(utf8) }

    mutating func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        let imported: Conversation
        do {
            imported = try store.importConversation(json: text)
        } catch {
            return
        }
        imports += 1
        defer { if imports % 500 == 0 { reopen() } }
        do {
            let first = try store.export(imported.id, format: .json)
            let copy = try store.importConversation(json: first)
            let second = try store.export(copy.id, format: .json)
            try require(first == second, "export → import → export changes the document")
            _ = try store.export(imported.id, format: .markdown)
            // A document that repeats a key has no one title: the store's reader (Foundation) keeps
            // the first, the API's parser the last (found by the 1,000,000-case run; noted in the
            // crash README). The title check is for documents that say one thing.
            let repeatsTitle = text.components(separatedBy: "\"title\"").count > 2
            if !repeatsTitle, let given = (try? JSONValue.parse(text))?["conversation"]?["title"]?.stringValue,
                !given.contains("sk-"),
                let stored = (try? JSONValue.parse(first))?["conversation"]?["title"]?.stringValue
            {
                try require(
                    stored == given,
                    "the imported title differs from the one given (\(given.utf8.count) → \(stored.utf8.count) bytes)")
            }
        } catch let failure as FuzzFailure {
            throw failure
        } catch {
            throw FuzzFailure("an imported conversation cannot be exported or imported again: \(error)")
        }
    }

    /// A fresh database now and then, so the file stays small.
    private mutating func reopen() {
        try? store.close()
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let fresh = try? SessionStore(path: directory + "/fuzz.sqlite") { store = fresh }
    }
}
