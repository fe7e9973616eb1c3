import PlainJSON
import Safety

/// What the store reads in its own content format, and nothing more.
///
/// Stored content is a JSON array of block objects (``StoredContent``). The store looks only
/// at blocks whose `type` is `"text"` and at their `text` member: to index them for search, to
/// append streamed text, to mask keys, and to print them in a Markdown export. Every other
/// block and member (tool calls, thinking, signatures) is kept exactly as given.
enum StoredBlocks {
    /// The `text` of a text block, or `nil` for any other block.
    static func text(of block: StoredJSON) -> String? {
        guard block["type"]?.stringValue == "text" else { return nil }
        return block["text"]?.stringValue
    }

    /// A text block.
    static func textBlock(_ text: String) -> StoredJSON {
        .object(["type": .string("text"), "text": .string(text)])
    }

    /// The text of every text block, separated by a blank line: what search indexes and what
    /// ``StoredContent/text`` gives.
    static func plainText(of blocks: [StoredJSON]) -> String {
        var out = ""
        for block in blocks {
            guard let text = text(of: block) else { continue }
            if !out.isEmpty { out += "\n\n" }
            out += text
        }
        return out
    }

    /// Appends streamed text to the last block when it is a text block, else as a new text block.
    static func append(_ text: String, to blocks: inout [StoredJSON]) {
        guard !text.isEmpty else { return }
        if case .object(var last)? = blocks.last, let existing = Self.text(of: .object(last)) {
            blocks[blocks.count - 1] = .null // keep `last` uniquely referenced while it grows
            last["text"] = .string(existing + text)
            blocks[blocks.count - 1] = .object(last)
        } else {
            blocks.append(textBlock(text))
        }
    }

    /// Masks key-shaped strings in text blocks, keeping every other member of the block.
    /// Signatures, redacted-thinking data and tool input are opaque and left exactly as given.
    static func redacted(_ blocks: [StoredJSON]) -> [StoredJSON] {
        blocks.map { block in
            guard case .object(var members) = block, let text = text(of: block) else { return block }
            let masked = storeRedact(text)
            if masked == text { return block }
            members["text"] = .string(masked)
            return .object(members)
        }
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
                if j == scalars.endIndex { break } // a trailing "s"
                if scalars[j] == "k" {
                    let k = scalars.index(after: j)
                    if k == scalars.endIndex || scalars[k] == "-" { break } // a trailing "sk" or "sk-…"
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
