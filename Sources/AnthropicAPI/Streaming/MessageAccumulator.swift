/// Builds the final message from stream events, as the official SDK's accumulator does.
///
/// Text is appended in place (amortised O(1) per delta), so a long reply costs linear time.
public struct MessageAccumulator: Sendable {
    /// `message_stop` arrived: the message is complete.
    public private(set) var isComplete = false
    /// Some content (text, tool input, thinking) has arrived: a failure now loses work.
    public private(set) var hasContent = false

    private var head = Message()
    private var blocks: [Block] = []
    private var positions = BlockPositions()

    private struct Block: Sendable {
        enum Kind: Sendable { case text, toolUse, thinking, fixed }
        var kind: Kind
        var text = ""
        var signature = ""
        var toolID = ""
        var toolName = ""
        var toolInput: JSONValue?
        var fixed: ContentBlock?

        init(_ block: ContentBlock) {
            switch block {
            case .text(let t):
                kind = .text
                text = t
            case .toolUse(let id, let name, _):
                kind = .toolUse
                toolID = id
                toolName = name
            case .thinking(let t, let sig):
                kind = .thinking
                text = t
                signature = sig
            default:
                kind = .fixed
                fixed = block
            }
        }

        var contentBlock: ContentBlock {
            switch kind {
            case .text: return .text(text)
            case .thinking: return .thinking(text, signature: signature)
            case .toolUse: return .toolUse(id: toolID, name: toolName, input: toolInput ?? Block.parseToolInput(text))
            case .fixed: return fixed!
            }
        }

        /// Tool input as streamed; kept as a string when it does not parse, so nothing is dropped.
        static func parseToolInput(_ raw: String) -> JSONValue {
            let trimmed = raw.trimmingSpaces
            if trimmed.isEmpty { return .object([:]) }
            return (try? JSONValue.parse(String(trimmed))) ?? .string(raw)
        }
    }

    public init() {}

    /// The message as assembled so far.
    public var message: Message {
        var m = head
        m.content = blocks.map(\.contentBlock)
        return m
    }

    /// Applies one event. An `error` event throws the error it carries.
    public mutating func apply(_ event: StreamEvent) throws(APIError) {
        switch event {
        case .contentBlockDelta(let index, let delta):
            apply(delta, at: index)
        case .messageStart(let start):
            head = start
            if !start.content.isEmpty && blocks.isEmpty {
                blocks = start.content.map(Block.init)
                for i in blocks.indices { positions[i] = i }
            }
        case .contentBlockStart(let index, let block):
            positions[index] = blocks.count
            blocks.append(Block(block))
        case .contentBlockStop(let index):
            if let position = positions[index], blocks[position].kind == .toolUse {
                blocks[position].toolInput = Block.parseToolInput(blocks[position].text)
            }
        case .messageDelta(let stopReason, let stopSequence, let usage):
            if let stopReason { head.stopReason = stopReason }
            if let stopSequence { head.stopSequence = stopSequence }
            head.usage.merge(usage)
        case .messageStop:
            isComplete = true
        case .ping, .unknown:
            break
        case .error(let type, let text, let requestID):
            throw APIError(streamErrorType: type, message: text, requestID: requestID)
        }
    }

    private mutating func apply(_ delta: ContentDelta, at index: Int) {
        let position: Int
        if let known = positions[index] {
            position = known
        } else {
            // A delta for a block that never started: start one of the matching kind.
            position = blocks.count
            positions[index] = position
            switch delta {
            case .inputJSON: blocks.append(Block(.toolUse(id: "", name: "", input: .object([:]))))
            case .thinking, .signature: blocks.append(Block(.thinking("", signature: "")))
            default: blocks.append(Block(.text("")))
            }
        }
        switch delta {
        case .text(let t) where blocks[position].kind == .text,
            .inputJSON(let t) where blocks[position].kind == .toolUse,
            .thinking(let t) where blocks[position].kind == .thinking:
            hasContent = true
            blocks[position].text += t
        case .signature(let s) where blocks[position].kind == .thinking:
            blocks[position].signature = s
        default:
            break // citations and unknown deltas do not change the text
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = self[...]
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return s
    }
}

/// Where each stream block index lives in `blocks`: an array for the small indexes the API
/// uses (no hashing on the per-delta path), a dictionary for anything unusual.
struct BlockPositions: Sendable {
    private var small: [Int] = []
    private var large: [Int: Int] = [:]

    subscript(index: Int) -> Int? {
        get {
            if index >= 0 && index < small.count { return small[index] >= 0 ? small[index] : nil }
            return index >= 0 && index < 1024 ? nil : large[index]
        }
        set {
            if index >= 0 && index < 1024 {
                if index >= small.count { small.append(contentsOf: repeatElement(-1, count: index - small.count + 1)) }
                small[index] = newValue ?? -1
            } else {
                large[index] = newValue
            }
        }
    }
}
