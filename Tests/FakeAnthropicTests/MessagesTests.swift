import FakeAnthropic
import Foundation
import TestSupport
import Testing

@Suite("Messages")
struct MessagesTests {
    @Test func streamHappyPath() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }

        let r = try await postMessages(fake, json: messagesJSON(text: "What's up?", stream: true))
        #expect(r.status == 200)
        #expect(r.complete)
        #expect(r.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        #expect(r.headers["request-id"]?.hasPrefix("req_") == true)

        let events = parseSSE(r.text)
        let names = events.map(\.event)
        #expect(names.first == "message_start")
        #expect(names[1] == "ping")
        #expect(events[1].data == "{\"type\": \"ping\"}")
        #expect(names[2] == "content_block_start")
        #expect(Array(names.suffix(3)) == ["content_block_stop", "message_delta", "message_stop"])
        let middle = names.dropFirst(3).dropLast(3)
        #expect(!middle.isEmpty && middle.allSatisfy { $0 == "content_block_delta" })
        // every data's "type" equals the event name
        for e in events where e.event != "ping" {
            #expect(e.json?["type"] as? String == e.event)
        }

        let text = textDeltas(events).joined()
        #expect(text == "Hello from fake-anthropic. You said: What's up?")

        let start = events[0].json?["message"] as? [String: Any]
        #expect((start?["id"] as? String)?.hasPrefix("msg_") == true)
        #expect(start?["model"] as? String == sonnet)
        #expect(start?["role"] as? String == "assistant")
        #expect((start?["content"] as? [Any])?.isEmpty == true)
        let usage = start?["usage"] as? [String: Any]
        #expect(usage?["input_tokens"] as? Int == 3) // ceil(10 / 4)

        let delta = events[events.count - 2].json
        #expect((delta?["delta"] as? [String: Any])?["stop_reason"] as? String == "end_turn")
        let outTokens = (delta?["usage"] as? [String: Any])?["output_tokens"] as? Int
        #expect(outTokens == (text.count + 3) / 4)

        let log = fake.state.requests()
        #expect(log.count == 1)
        #expect(log.first?.status == 200)
    }

    @Test func nonStreaming() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }

        let r = try await postMessages(fake, json: messagesJSON(text: "0123456789abcdef"))
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/json")
        #expect(r.headers["request-id"]?.hasPrefix("req_") == true)
        let obj = try #require(r.json as? [String: Any])
        #expect((obj["id"] as? String)?.hasPrefix("msg_") == true)
        #expect(obj["type"] as? String == "message")
        #expect(obj["role"] as? String == "assistant")
        #expect(obj["model"] as? String == sonnet)
        #expect(obj["stop_reason"] as? String == "end_turn")
        #expect(obj["stop_sequence"] is NSNull)
        let content = try #require(obj["content"] as? [[String: Any]])
        #expect(content.count == 1)
        #expect(content[0]["type"] as? String == "text")
        #expect(content[0]["text"] as? String == "Hello from fake-anthropic. You said: 0123456789abcdef")
        let usage = try #require(obj["usage"] as? [String: Any])
        #expect(usage["input_tokens"] as? Int == 4)
        #expect(usage["output_tokens"] as? Int == (53 + 3) / 4)
        #expect(usage["cache_creation_input_tokens"] as? Int == 0)
        #expect(usage["cache_read_input_tokens"] as? Int == 0)
    }

    @Test func contentBlocksAndSystemCount() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let json = """
            {"model":"\(sonnet)","max_tokens":10,"system":[{"type":"text","text":"12345678"}],
             "messages":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},
                         {"role":"user","content":[{"type":"text","text":"abcd"},{"type":"text","text":"efgh"}]}]}
            """
        let r = try await postMessages(fake, json: json)
        #expect(r.status == 200)
        let obj = try #require(r.json as? [String: Any])
        let content = try #require(obj["content"] as? [[String: Any]])
        #expect(content[0]["text"] as? String == "Hello from fake-anthropic. You said: abcd\nefgh")
        // 8 (system) + 5 + 2 + 4 + 4 = 23 characters → 6 tokens
        #expect((obj["usage"] as? [String: Any])?["input_tokens"] as? Int == 6)
    }

    @Test func invalidJSON() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await postMessages(fake, json: "{\"model\": ")
        let (_, message) = expectError(r, status: 400, type: "invalid_request_error")
        #expect(message.contains("not valid JSON"))

        let empty = try await postMessages(fake, json: "")
        expectError(empty, status: 400, type: "invalid_request_error")
        let notObject = try await postMessages(fake, json: "[1,2]")
        expectError(
            notObject, status: 400, type: "invalid_request_error", message: "Request body must be a JSON object.")
    }

    @Test func missingFields() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let cases: [(String, String)] = [
            ("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model: Field required"),
            (
                "{\"model\":\"\(sonnet)\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "max_tokens: Field required"
            ),
            ("{\"model\":\"\(sonnet)\",\"max_tokens\":5}", "messages: Field required"),
            (
                "{\"model\":\"\(sonnet)\",\"max_tokens\":5,\"messages\":[]}",
                "messages: at least one message is required"
            ),
            (
                "{\"model\":\"\(sonnet)\",\"max_tokens\":\"5\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "max_tokens: Input should be a valid integer"
            ),
            (
                "{\"model\":\"\(sonnet)\",\"max_tokens\":5,\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}",
                "messages.0.role: Input should be 'user' or 'assistant'"
            ),
            (
                "{\"model\":\"\(sonnet)\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\"}]}",
                "messages.0.content: Field required"
            ),
            (
                "{\"model\":\"\(sonnet)\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "stream: Input should be a valid boolean"
            ),
        ]
        for (json, message) in cases {
            let r = try await postMessages(fake, json: json)
            expectError(r, status: 400, type: "invalid_request_error", message: message)
        }
    }

    @Test func unknownModel() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await postMessages(fake, json: messagesJSON(model: "claude-nope-1"))
        expectError(r, status: 404, type: "not_found_error", message: "model: claude-nope-1")
    }

    @Test func countTokens() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await RawHTTPClient.api(
            port: fake.port, path: "/v1/messages/count_tokens", key: FakeServerHarness.defaultKey,
            json: messagesJSON(text: String(repeating: "a", count: 41), maxTokens: nil))
        #expect(r.status == 200)
        #expect(r.headers["request-id"]?.hasPrefix("req_") == true)
        let obj = try #require(r.json as? [String: Any])
        #expect(obj.count == 1)
        #expect(obj["input_tokens"] as? Int == 11)

        let bad = try await RawHTTPClient.api(
            port: fake.port, path: "/v1/messages/count_tokens", key: FakeServerHarness.defaultKey,
            json: "{\"model\":\"\(sonnet)\"}")
        expectError(bad, status: 400, type: "invalid_request_error", message: "messages: Field required")
        let unknown = try await RawHTTPClient.api(
            port: fake.port, path: "/v1/messages/count_tokens", key: FakeServerHarness.defaultKey,
            json: messagesJSON(model: "nope", maxTokens: nil))
        expectError(unknown, status: 404, type: "not_found_error", message: "model: nope")
    }

    @Test func unknownPaths() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let r = try await RawHTTPClient.api(
            port: fake.port, method: "GET", path: "/v1/nothing", key: FakeServerHarness.defaultKey)
        expectError(r, status: 404, type: "not_found_error")
        let wrongMethod = try await RawHTTPClient.api(
            port: fake.port, method: "GET", path: "/v1/messages", key: FakeServerHarness.defaultKey)
        expectError(wrongMethod, status: 404, type: "not_found_error")
        let outside = try await RawHTTPClient.api(port: fake.port, method: "GET", path: "/index.html", key: nil)
        expectError(outside, status: 404, type: "not_found_error")
    }

    @Test func bodyTooLarge() async throws {
        let fake = try await FakeServerHarness.start(configure: { $0.maxBodyBytes = 1024 })
        defer { Task { await fake.stop() } }
        let r = try await postMessages(fake, json: messagesJSON(text: String(repeating: "x", count: 4000)))
        expectError(r, status: 413, type: "request_too_large")
        let ok = try await postMessages(fake, json: messagesJSON(text: "small"))
        #expect(ok.status == 200)
    }

    @Test func multibyteChunking() async throws {
        let text = "héllo 你好 🙂👩‍👩‍👧 e\u{301}"
        let fake = try await FakeServerHarness.start(reply: ReplyConfig(text: text, chunkChars: 3))
        defer { Task { await fake.stop() } }
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.status == 200 && r.complete)
        let deltas = textDeltas(parseSSE(r.text))
        #expect(deltas.joined() == text)
        let expected = stride(from: 0, to: text.count, by: 3).map { i -> String in
            let start = text.index(text.startIndex, offsetBy: i)
            let end = text.index(start, offsetBy: min(3, text.count - i))
            return String(text[start..<end])
        }
        #expect(deltas == expected)
        #expect(deltas.allSatisfy { $0.count <= 3 && !$0.isEmpty })
    }

    @Test func delayAndPings() async throws {
        let fake = try await FakeServerHarness.start(
            reply: ReplyConfig(text: "abcdefghij", chunkChars: 2, delayMs: 60, pingEvery: 2))
        defer { Task { await fake.stop() } }
        let clock = ContinuousClock()
        let started = clock.now
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        let elapsed = started.duration(to: clock.now)
        #expect(r.complete)
        let events = parseSSE(r.text)
        #expect(textDeltas(events) == ["ab", "cd", "ef", "gh", "ij"])
        // 1 ping after message_start + one after deltas 2 and 4
        #expect(events.filter { $0.event == "ping" }.count == 3)
        #expect(elapsed >= .milliseconds(230)) // 4 gaps of 60 ms (arrival gaps are not checked: load bunches them)
    }

    @Test func thinkingAndToolUseStream() async throws {
        let reply = ReplyConfig(
            text: "Let me check.", chunkChars: 4, thinking: "Need the weather tool.",
            toolUse: ToolUse(name: "get_weather", inputJSON: "{\"city\":\"Paris\",\"unit\":\"celsius\"}"))
        let fake = try await FakeServerHarness.start(reply: reply)
        defer { Task { await fake.stop() } }
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        #expect(r.complete)
        let events = parseSSE(r.text)
        let starts = events.filter { $0.event == "content_block_start" }.compactMap {
            ($0.json?["content_block"] as? [String: Any])?["type"] as? String
        }
        #expect(starts == ["thinking", "text", "tool_use"])
        let deltas = events.filter { $0.event == "content_block_delta" }.compactMap {
            $0.json?["delta"] as? [String: Any]
        }
        let thinking = deltas.filter { $0["type"] as? String == "thinking_delta" }.compactMap {
            $0["thinking"] as? String
        }.joined()
        #expect(thinking == "Need the weather tool.")
        #expect(
            deltas.contains {
                $0["type"] as? String == "signature_delta" && !(($0["signature"] as? String) ?? "").isEmpty
            })
        #expect(textDeltas(events).joined() == "Let me check.")
        let pieces = deltas.filter { $0["type"] as? String == "input_json_delta" }.compactMap {
            $0["partial_json"] as? String
        }
        #expect(pieces.count >= 2)
        let input = try JSONSerialization.jsonObject(with: Data(pieces.joined().utf8)) as? [String: String]
        #expect(input == ["city": "Paris", "unit": "celsius"])
        let toolStart = events.first { ($0.json?["content_block"] as? [String: Any])?["type"] as? String == "tool_use" }
        let block = toolStart?.json?["content_block"] as? [String: Any]
        #expect((block?["id"] as? String)?.hasPrefix("toolu_") == true)
        #expect(block?["name"] as? String == "get_weather")
        #expect(toolStart?.json?["index"] as? Int == 2)
        let messageDelta = events.first { $0.event == "message_delta" }?.json?["delta"] as? [String: Any]
        #expect(messageDelta?["stop_reason"] as? String == "tool_use")
    }

    @Test func toolUseNonStreaming() async throws {
        let fake = try await FakeServerHarness.start(
            reply: ReplyConfig(toolUse: ToolUse(name: "lookup", inputJSON: "{\"q\":[1,2]}", id: "toolu_fixed")))
        defer { Task { await fake.stop() } }
        let r = try await postMessages(fake, json: messagesJSON())
        let obj = try #require(r.json as? [String: Any])
        let content = try #require(obj["content"] as? [[String: Any]])
        #expect(content.count == 1) // no text block when only a tool use is configured
        #expect(content[0]["type"] as? String == "tool_use")
        #expect(content[0]["id"] as? String == "toolu_fixed")
        #expect((content[0]["input"] as? [String: Any])?["q"] as? [Int] == [1, 2])
        #expect(obj["stop_reason"] as? String == "tool_use")
    }

    @Test func replyViaControlEndpoint() async throws {
        let fake = try await FakeServerHarness.start()
        defer { Task { await fake.stop() } }
        let set = try await fake.control(
            "POST", "/_control/reply",
            json: """
                {"text":"Bonjour","chunk_chars":2,"stop_reason":"max_tokens","tool_use":{"name":"t","input":{"a":1}}}
                """)
        #expect(set.status == 200, "\(set.text)")
        #expect(fake.state.reply().chunkChars == 2)
        #expect(fake.state.reply().toolUse?.inputJSON == "{\"a\":1}")
        let r = try await postMessages(fake, json: messagesJSON(stream: true))
        let events = parseSSE(r.text)
        #expect(textDeltas(events) == ["Bo", "nj", "ou", "r"])
        let messageDelta = events.first { $0.event == "message_delta" }?.json?["delta"] as? [String: Any]
        #expect(messageDelta?["stop_reason"] as? String == "max_tokens")

        let bad = try await fake.control("POST", "/_control/reply", json: "{\"txt\":\"x\"}")
        #expect(bad.status == 400)
        #expect(bad.text.contains("txt"))
    }
}
