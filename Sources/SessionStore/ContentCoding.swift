import AnthropicAPI

/// Content blocks ↔ the JSON text stored in `messages.content`, the plain text indexed for search,
/// and the masking of keys in what is stored.
enum ContentCoding {
    /// The stored form: a compact, key-sorted JSON array of blocks in the API's shape.
    static func encode(_ blocks: [ContentBlock]) -> String {
        JSONValue.array(blocks.map(\.json)).serialized()
    }

    /// Parses stored JSON text back into blocks (an unreadable value yields no blocks).
    static func decode(_ text: String) -> [ContentBlock] {
        guard let json = try? JSONValue.parse(text) else { return [] }
        return decode(json)
    }

    /// Blocks from a JSON array in the API's shape. `ContentBlock(json:)` is internal to
    /// AnthropicAPI, so this goes through the public `Message(json:)`.
    static func decode(_ json: JSONValue) -> [ContentBlock] {
        guard case .array = json else { return [] }
        return (try? Message(json: .object(["type": .string("message"), "content": json])))?.content ?? []
    }

    /// The text of every text block, separated by a blank line: what search indexes and what
    /// Markdown export prints for plain turns.
    static func plainText(of blocks: [ContentBlock]) -> String {
        var out = ""
        for case .text(let text) in blocks {
            if !out.isEmpty { out += "\n\n" }
            out += text
        }
        return out
    }

    /// The same from the stored JSON shape (import and export work on JSON, not blocks).
    static func plainText(ofJSON json: JSONValue) -> String {
        var out = ""
        for block in json.arrayValue ?? [] where block["type"]?.stringValue == "text" {
            guard let text = block["text"]?.stringValue else { continue }
            if !out.isEmpty { out += "\n\n" }
            out += text
        }
        return out
    }

    /// Appends streamed chunks to stored content the way `Checkpointer.appendText` appends to
    /// blocks: to the last block when it is a text block, else as a new text block.
    static func appending(chunks: [String], to json: JSONValue) -> JSONValue {
        guard !chunks.isEmpty, case .array(var blocks) = json else { return json }
        let text = chunks.joined()
        if case .object(var last)? = blocks.last, last["type"]?.stringValue == "text",
           let existing = last["text"]?.stringValue {
            last["text"] = .string(existing + text)
            blocks[blocks.count - 1] = .object(last)
        } else {
            blocks.append(.object(["type": .string("text"), "text": .string(text)]))
        }
        return .array(blocks)
    }

    /// Splits text where it may be cut into separately stored pieces without splitting something
    /// key-shaped: before a trailing `sk-…` run (or a trailing `s`/`sk` that may start one), so
    /// that every key lies whole inside one piece, where `Secrets.redact` masks it. Runs longer
    /// than any key are not held back.
    static func safeCut(_ text: String) -> (head: String, tail: String) {
        let scalars = text.unicodeScalars
        var start = scalars.endIndex
        var length = 0
        while start > scalars.startIndex {
            let previous = scalars.index(before: start)
            guard isKeyScalar(scalars[previous]) else { break }
            start = previous
            length += 1
            if length > 256 { return (text, "") }
        }
        var i = start
        while i < scalars.endIndex {
            if scalars[i] == "s" {
                let j = scalars.index(after: i)
                if j == scalars.endIndex { break }  // a trailing "s"
                if scalars[j] == "k" {
                    let k = scalars.index(after: j)
                    if k == scalars.endIndex || scalars[k] == "-" { break }  // a trailing "sk" or "sk-…"
                }
            }
            i = scalars.index(after: i)
        }
        if i == scalars.endIndex { return (text, "") }
        return (String(scalars[..<i]), String(scalars[i...]))
    }

    private static func isKeyScalar(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x5F: true
        default: false
        }
    }

    /// Masks key-shaped strings in text blocks. Signatures, redacted-thinking data and tool
    /// input are opaque to palaver and left exactly as the API sent them.
    static func redacted(_ blocks: [ContentBlock]) -> [ContentBlock] {
        blocks.map { block in
            if case .text(let text) = block {
                let masked = storeRedact(text)
                return masked == text ? block : .text(masked)
            }
            return block
        }
    }

    /// The same over the stored JSON shape, keeping every other member of a text block.
    static func redacted(json: JSONValue) -> JSONValue {
        guard case .array(let blocks) = json else { return json }
        return .array(blocks.map { block in
            guard case .object(var members) = block, members["type"]?.stringValue == "text",
                  let text = members["text"]?.stringValue else { return block }
            let masked = storeRedact(text)
            if masked == text { return block }
            members["text"] = .string(masked)
            return .object(members)
        })
    }
}

/// Masks keys in text on its way into the store: whole key-shaped runs first (`sk-…`, each
/// masked as itself), then every registered key by value (`Secrets.redact`). In that order a
/// key palaver never read cannot be half-masked because it shares the public `sk-ant-api03-`
/// prefix, a 12-character piece, with a registered one (which would leave its secret part behind).
func storeRedact(_ text: String) -> String {
    Secrets.redact(Secrets.redactPattern(text))
}

/// Masks key-shaped text in a free-text field (titles, prompts, drafts, error summaries).
func redactedText(_ text: String?) -> String? {
    text.map(storeRedact)
}
