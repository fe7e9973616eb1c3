import PlainJSON

/// A message's content as the store keeps it: the JSON text of an array of block objects.
///
/// The store does not interpret the blocks. It reads only the text blocks
/// (`{"type":"text","text":…}`: see ``text``) and keeps everything else exactly; what a block
/// means is the caller's business (ChatCore maps API content blocks to and from this).
/// The JSON is kept compact with object keys sorted, so equal content has equal text.
public struct StoredContent: Sendable, Equatable, CustomStringConvertible {
    /// The content as compact JSON with sorted keys: an array of block objects (or, for a row
    /// whose stored text no longer parses, that text as read).
    public let json: String
    /// The text of every text block, blocks separated by a blank line: what search indexes.
    public let text: String
    /// The parsed blocks; `nil` when ``json`` is not a JSON array of objects.
    let blocks: [StoredJSON]?

    /// Content from JSON text: an array of objects, each with a string `type`. The text is
    /// normalised (compact, keys sorted). Text that is not such an array gives content with no
    /// blocks, which ``isValid`` reports and the store refuses to write.
    public init(json: String) {
        guard let parsed = try? StoredJSON.parse(json), let blocks = Self.validBlocks(parsed) else {
            self.init(unparsed: json)
            return
        }
        self.init(blocks: blocks)
    }

    /// One text block.
    public init(text: String) {
        self.init(blocks: [StoredBlocks.textBlock(text)])
    }

    /// No blocks.
    public static let empty = StoredContent(blocks: [])

    /// True when the JSON is an array of block objects (content read from a damaged row is not).
    public var isValid: Bool { blocks != nil }

    /// Whether there are no blocks.
    public var isEmpty: Bool { blocks?.isEmpty ?? true }

    public var description: String { json }

    public static func == (a: Self, b: Self) -> Bool { a.json == b.json }

    // MARK: Inside the store

    init(blocks: [StoredJSON]) {
        self.init(json: StoredJSON.array(blocks).serialized(), text: StoredBlocks.plainText(of: blocks), blocks: blocks)
    }

    /// Content read from the database, whose JSON the store wrote itself (kept as read).
    init(stored json: String) {
        guard let parsed = try? StoredJSON.parse(json), let blocks = Self.validBlocks(parsed) else {
            self.init(unparsed: json)
            return
        }
        self.init(json: json, text: StoredBlocks.plainText(of: blocks), blocks: blocks)
    }

    private init(unparsed json: String) {
        self.init(json: json, text: "", blocks: nil)
    }

    private init(json: String, text: String, blocks: [StoredJSON]?) {
        self.json = json
        self.text = text
        self.blocks = blocks
    }

    /// The blocks of a parsed value when it is an array of objects with a string `type`.
    static func validBlocks(_ value: StoredJSON) -> [StoredJSON]? {
        guard let blocks = value.arrayValue, blocks.allSatisfy({ $0["type"]?.stringValue != nil }) else { return nil }
        return blocks
    }
}
