import Testing

@testable import AnthropicAPI

@Suite struct SSEDecoderTests {
    static let fixtures = ["stream-basic.sse", "stream-crlf.sse", "stream-cr.sse"]

    private func decodeWhole(_ bytes: [UInt8]) -> [ServerSentEvent] {
        var decoder = SSEDecoder()
        return decoder.feed(bytes)
    }

    private func decode(_ bytes: [UInt8], splitAt cuts: [Int]) -> [ServerSentEvent] {
        var decoder = SSEDecoder()
        var events: [ServerSentEvent] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            events += decoder.feed(Array(bytes[start..<cut]))
            start = cut
        }
        return events
    }

    @Test(arguments: fixtures)
    func everyTwoWaySplitGivesTheSameEvents(_ name: String) throws {
        let bytes = try Fixture.bytes(name)
        let whole = decodeWhole(bytes)
        #expect(whole.count == 26)
        for cut in 0...bytes.count {
            let split = decode(bytes, splitAt: [cut])
            #expect(split == whole, "split at byte \(cut) of \(name)")
            if split != whole { break }
        }
    }

    @Test(arguments: fixtures)
    func byteByByteAndRandomSplitsGiveTheSameEvents(_ name: String) throws {
        let bytes = try Fixture.bytes(name)
        let whole = decodeWhole(bytes)
        #expect(decode(bytes, splitAt: Array(1..<bytes.count)) == whole)
        var rng = SeededGenerator(seed: 42)
        for round in 0..<300 {
            let count = Int.random(in: 1...12, using: &rng)
            let cuts = (0..<count).map { _ in Int.random(in: 0...bytes.count, using: &rng) }.sorted()
            let split = decode(bytes, splitAt: cuts)
            #expect(split == whole, "round \(round), cuts \(cuts)")
            if split != whole { break }
        }
    }

    @Test func lineEndingsDoNotChangeTheEvents() throws {
        let lf = decodeWhole(try Fixture.bytes("stream-basic.sse"))
        #expect(decodeWhole(try Fixture.bytes("stream-crlf.sse")) == lf)
        #expect(decodeWhole(try Fixture.bytes("stream-cr.sse")) == lf)
    }

    @Test func multiByteCharactersSplitInsideTheirSequenceSurvive() {
        let text = "data: {\"t\":\"é你🙂\"}\n\n"
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            let events = decode(bytes, splitAt: [cut])
            #expect(events == [ServerSentEvent(data: "{\"t\":\"é你🙂\"}")], "cut at \(cut)")
        }
    }

    @Test func framingFollowsTheSDK() {
        let input = """
            : comment
            event: a
            data: first
            data:second
            data:
            data:  two spaces

            event:b
            data

            id: 7
            retry: 1500
            data: x

            unknown: field
            data: y

            data: unterminated
            """
        let events = decodeWhole(Array(input.utf8))
        #expect(
            events == [
                ServerSentEvent(event: "a", data: "first\nsecond\n\n two spaces"),
                ServerSentEvent(event: "b", data: ""),
                ServerSentEvent(data: "x", id: "7", retry: 1500),
                ServerSentEvent(data: "y", id: "7"),
            ])
    }

    @Test func blankLinesAloneProduceNoEvents() {
        #expect(decodeWhole(Array("\n\n\r\n\r\r\n".utf8)).isEmpty)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        var bytes = Array("data: a".utf8)
        bytes += [0xFF, 0xC3]
        bytes += Array("b\n\n".utf8)
        let events = decodeWhole(bytes)
        #expect(events.count == 1)
        #expect(events.first?.data.hasPrefix("a") == true)
        #expect(events.first?.data.hasSuffix("b") == true)
        #expect(events.first?.data.contains("\u{FFFD}") == true)
    }

    @Test func pendingInputIsReportedForATruncatedStream() {
        var decoder = SSEDecoder()
        _ = decoder.feed(Array("event: x\ndata: {".utf8))
        #expect(decoder.hasPendingInput)
        var complete = SSEDecoder()
        _ = complete.feed(Array("data: 1\n\n".utf8))
        #expect(!complete.hasPendingInput)
    }
}
