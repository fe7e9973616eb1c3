import AnthropicAPI
import ChatCore
import Foundation
import SessionStore
import TestSupport
import Testing

/// The mapping between API content and the store's plain values (ChatCore/Store).
@Suite("Stored content mapping")
struct StoredContentMappingTests {
    static let blocks: [ContentBlock] = [
        .thinking("L'utilisateur veut la météo.", signature: "EqQBCkYIARgCKkD/sig+=="),
        .text("Je vérifie. \u{0} \u{2028} \"q\" \\"),
        .toolUse(
            id: "toolu_01A", name: "get_weather",
            input: .object([
                "city": .string("Zürich"), "days": .int(3), "ratio": .double(0.25),
                "nested": .array([.bool(true), .null, .string("ünïcödé ✓")]),
            ])),
        .redactedThinking(data: "opaque=="),
        .other(
            type: "server_tool_use",
            json: .object([
                "type": .string("server_tool_use"), "id": .string("srv_1"),
                "extra": .object(["k": .int(-7)]),
            ])),
        .text("Second text."),
    ]

    @Test func blocksRoundTripThroughStoredContent() {
        let content = StoredContent(Self.blocks)
        #expect(content.isValid)
        #expect(content.contentBlocks == Self.blocks)
        // The store's JSON is the API's JSON of the blocks, byte for byte.
        #expect(content.json == JSONValue.array(Self.blocks.map(\.json)).serialized())
        // What the store indexes is the text of the text blocks.
        #expect(content.text == "Je vérifie. \u{0} \u{2028} \"q\" \\\n\nSecond text.")
    }

    @Test func usageRoundTripsThroughTokenCounts() {
        let usage = Usage(inputTokens: 120, outputTokens: 45, cacheCreationInputTokens: 0, cacheReadInputTokens: 99)
        let counts = TokenCounts(usage)
        #expect(counts == TokenCounts(input: 120, output: 45, cacheWrite: 0, cacheRead: 99))
        #expect(Usage(counts) == usage)
    }

    @Test(arguments: ["not json", "{\"type\":\"text\"}", "[1,2]", "[{\"text\":\"no type\"}]"])
    func contentThatDoesNotDecodeBecomesAPlaceholder(json: String) {
        let content = StoredContent(json: json)
        #expect(!content.isValid)
        #expect(content.contentBlocks == [.text(StoredContent.unreadablePlaceholder)])
    }

    @Test func storedMessagesMapBackThroughTheStore() throws {
        let directory = try TemporaryDirectory(prefix: "palaver-mapping")
        let store = try SessionStore(path: directory.path("store.sqlite"))
        let conversation = try store.createConversation(title: "t", model: "m")
        let prompt = try store.appendUserMessage(to: conversation.id, blocks: [.text("hi")], status: .complete)
        #expect(prompt.blocks == [.text("hi")])
        let reply = try store.beginAssistantMessage(in: conversation.id, model: "m", answering: prompt.id)
        let checkpointer = try store.checkpointer(for: reply.id)
        checkpointer.replaceContent(Array(Self.blocks.prefix(3)))
        checkpointer.appendText("more")
        let usage = Usage(inputTokens: 1, outputTokens: 2)
        let done = try checkpointer.finish(content: nil, usage: usage, stopReason: "end_turn")
        var expected = Array(Self.blocks.prefix(3))
        expected.append(.text("more"))
        #expect(done.blocks == expected)
        #expect(done.apiUsage == usage)
        #expect(try store.message(reply.id)?.blocks == expected)
    }
}
