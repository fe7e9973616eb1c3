import AnthropicAPI

/// The SSE decoder and the message decoder with its accumulator: the same events and the same
/// message whether the stream arrives whole or cut at random points.
struct SSEFuzzTarget: FuzzTarget {
    static let name = "sse"
    static let summary =
        "SSE decoder + stream event decoder + message accumulator (AnthropicAPI Streaming); whole = split"

    var seeds: [[UInt8]] {
        [
            utf8(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"x\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi \\u00e9\"}}\n\n"
                    + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"),
            utf8(
                "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}}\r\n\r\n"
                    + "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\": [1, 2.5e3\"}}\r\n\r\n"
                    + "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"]}\"}}\r\n\r\n"
                    + "data: {\"type\":\"content_block_stop\",\"index\":2}\r\n\r\n"),
            utf8(
                "event: error\rdata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded \\u001b[2J\"}}\r\r"
            ),
            utf8(": ping\n\nevent: ping\ndata: {\"type\": \"ping\"}\nid: 7\nretry: 1000\n\n"),
            utf8(
                "data: {\"type\":\"content_block_delta\",\"index\":-1,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"x\"}}\n\n"
                    + "data: {\"type\":\"content_block_delta\",\"index\":99999999999,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"s\"}}\n\n"
                    + "data: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":1e300,\"input_tokens\":-5}}\n\n"
            ),
        ]
    }

    var dictionary: [[UInt8]] {
        [
            "event: ", "data: ", "data:", "id: ", "retry: ", ": ", "\n\n", "\r\n\r\n", "\r\r", "\"type\":",
            "\"index\":", "\"delta\":",
            "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
            "message_stop",
            "error", "ping", "text_delta", "input_json_delta", "thinking_delta", "signature_delta", "citations_delta",
            "\"text\":\"", "\"usage\":{\"output_tokens\":", "{\"type\":\"text\",\"text\":\"\"}", "\"content_block\":",
            "null", "true",
            "\"partial_json\":\"", "\"message\":{",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { ["[", "{\"a\":", "{\"delta\":"].map(utf8) }

    /// What decoding a stream produced: the events, the error that stopped it, the message.
    private struct Outcome: Equatable {
        var events: [StreamEvent] = []
        var error: String?
        var message: Message?
        var complete = false
        var pending = false
    }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let pieces = FuzzSplits.ranges(count: input.count, random: &random)

        var whole = SSEDecoder()
        let wholeEvents = whole.feed(input)
        var split = SSEDecoder()
        var splitEvents: [ServerSentEvent] = []
        for range in pieces { splitEvents += split.feed(Array(input[range])) }
        try require(
            wholeEvents == splitEvents,
            "SSEDecoder: \(wholeEvents.count) events whole, \(splitEvents.count) split at \(pieces.map(\.upperBound).prefix(20))"
        )
        try require(whole.hasPendingInput == split.hasPendingInput, "SSEDecoder: pending input differs whole/split")

        let a = decode(input, in: [0..<input.count])
        let b = decode(input, in: pieces)
        try require(
            a == b,
            "MessageStreamDecoder: whole gives \(a.events.count) events, error \(a.error ?? "none"); split gives \(b.events.count), error \(b.error ?? "none")"
        )
    }

    private func decode(_ input: [UInt8], in pieces: [Range<Int>]) -> Outcome {
        var decoder = MessageStreamDecoder()
        var outcome = Outcome()
        input.withUnsafeBytes { bytes in
            for range in pieces {
                do {
                    try decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[range])) { outcome.events.append($0) }
                } catch {
                    outcome.error = String(describing: error)
                    break
                }
            }
        }
        outcome.message = decoder.accumulator.message
        outcome.complete = decoder.accumulator.isComplete
        outcome.pending = decoder.hasPendingInput
        return outcome
    }
}
