import Foundation
import Testing

@testable import AnthropicAPI

@Suite struct StreamAssemblyTests {
    private func assemble(_ name: String) throws -> (MessageAccumulator, [StreamEvent]) {
        var decoder = SSEDecoder()
        var accumulator = MessageAccumulator()
        var events: [StreamEvent] = []
        for sse in decoder.feed(try Fixture.bytes(name)) {
            let event = try StreamEvent.decode(sse)
            try accumulator.apply(event)
            events.append(event)
        }
        return (accumulator, events)
    }

    @Test func recordedStreamAssemblesIntoTheFinalMessage() throws {
        let (accumulator, events) = try assemble("stream-basic.sse")
        #expect(accumulator.isComplete)
        #expect(accumulator.hasContent)
        let message = accumulator.message
        #expect(message.id == "msg_017abc")
        #expect(message.model == "claude-sonnet-4-5-20250929")
        #expect(message.stopReason == "tool_use")
        #expect(
            message.usage
                == Usage(inputTokens: 17, outputTokens: 89, cacheCreationInputTokens: 0, cacheReadInputTokens: 5))
        #expect(message.content.count == 3)
        #expect(
            message.content[0]
                == .thinking(
                    "Let me think about this.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"))
        #expect(message.content[1] == .text("Hello, wörld — 你好 🙂\nHe said \"hi\"\tand left.\nBack\\slash é"))
        #expect(
            message.content[2]
                == .toolUse(
                    id: "toolu_01", name: "get_weather",
                    input: .object([
                        "location": .string("San Francisco, CA"),
                        "unit": .string("celsius"), "days": .int(3),
                    ])))
        #expect(events.contains(.unknown(type: "brand_new_event")))
        #expect(events.contains(.contentBlockDelta(index: 1, delta: .other(type: "future_delta"))))
        #expect(events.contains(.ping))
    }

    @Test func crlfAndCRStreamsAssembleIdentically() throws {
        let lf = try assemble("stream-basic.sse").0.message
        #expect(try assemble("stream-crlf.sse").0.message == lf)
        #expect(try assemble("stream-cr.sse").0.message == lf)
    }

    @Test func errorEventThrowsItsKind() throws {
        let sse = ServerSentEvent(
            event: "error",
            data: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_9"}"#)
        let event = try StreamEvent.decode(sse)
        #expect(event == .error(type: "overloaded_error", message: "Overloaded", requestID: "req_9"))
        var accumulator = MessageAccumulator()
        #expect(throws: APIError.self) { try accumulator.apply(event) }
        do {
            try accumulator.apply(event)
        } catch {
            #expect(error.kind == .overloaded)
            #expect(error.requestID == "req_9")
            #expect(error.isRetryable)
        }
    }

    @Test func malformedEventDataIsAMalformedResponse() {
        for data in ["{", "not json", #"{"type":"content_block_delta","index":"x"}"#, #"{"type":"message_start"}"#, ""]
        {
            #expect(throws: APIError.self, "data \(data)") { try StreamEvent.decode(ServerSentEvent(data: data)) }
            do {
                _ = try StreamEvent.decode(ServerSentEvent(data: data))
            } catch {
                #expect(error.kind == .malformedResponse)
            }
        }
    }

    /// The hand-written decoder must agree with Foundation's JSON for any text, in any member order.
    @Test func fastDeltaDecodingAgreesWithFoundation() throws {
        var rng = SeededGenerator(seed: 7)
        let alphabet: [String] = [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "é", "你", "🙂", "\u{2028}", "\u{10FFFF}", "{",
            "}", ":", ",",
        ]
        for round in 0..<500 {
            let length = Int.random(in: 0...40, using: &rng)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            var object: [String: Any] = [
                "type": "content_block_delta", "index": round % 5,
                "delta": ["type": "text_delta", "text": text, "extra": [1, ["x": NSNull()]]],
            ]
            if round % 3 == 0 { object["future_member"] = ["nested": [true, false, 1.5e3]] }
            let data = try JSONSerialization.data(withJSONObject: object)
            let event = try StreamEvent.decode(ServerSentEvent(data: String(decoding: data, as: UTF8.self)))
            #expect(event == .contentBlockDelta(index: round % 5, delta: .text(text)), "round \(round)")
        }
    }

    @Test func deltaWithoutStartStillKeepsTheText() throws {
        var accumulator = MessageAccumulator()
        try accumulator.apply(.contentBlockDelta(index: 0, delta: .text("orphan")))
        try accumulator.apply(.messageStop)
        #expect(accumulator.message.text == "orphan")
    }

    @Test func unparseableToolInputIsKeptAsText() throws {
        var accumulator = MessageAccumulator()
        try accumulator.apply(.contentBlockStart(index: 0, block: .toolUse(id: "t", name: "n", input: .object([:]))))
        try accumulator.apply(.contentBlockDelta(index: 0, delta: .inputJSON("{\"a\": ")))
        try accumulator.apply(.contentBlockStop(index: 0))
        #expect(accumulator.message.content == [.toolUse(id: "t", name: "n", input: .string("{\"a\": "))])
    }

    @Test func nonStreamingMessageDecodesAndIgnoresUnknownFields() throws {
        let body =
            #"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"hi"},{"type":"server_tool_use","id":"s","name":"web_search","input":{}}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1,"server_tool_use":{"web_search_requests":1}},"container":null}"#
        let message = try Message(json: try JSONValue.parse(body))
        #expect(message.text == "hi")
        #expect(message.stopReason == "end_turn")
        #expect(message.usage.outputTokens == 1)
        if case .other(let type, _) = message.content[1] {
            #expect(type == "server_tool_use")
        } else {
            Issue.record("unknown block lost")
        }
        // Round trip through the API shape.
        let again = try Message(json: try JSONValue.parse(message.json.serialized()))
        #expect(again == message)
    }
}
