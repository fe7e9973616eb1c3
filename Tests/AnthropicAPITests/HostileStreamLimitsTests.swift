import Testing

@testable import AnthropicAPI

/// The stream decoder's memory is bounded: an endless line or event stops it with a clear error.
@Suite struct HostileStreamLimitsTests {
    @Test func aLineOverTheBoundStopsTheDecoder() {
        var decoder = SSEDecoder(maxLineBytes: 100)
        #expect(decoder.feed(Array("data: ok\n\n".utf8)).map(\.data) == ["ok"])
        // 150 bytes without a line ending, split over chunks.
        for _ in 0..<3 { _ = decoder.feed(Array(repeating: UInt8(ascii: "x"), count: 50)) }
        #expect(decoder.limitExceeded)
        #expect(decoder.feed(Array("\n\ndata: later\n\n".utf8)).isEmpty) // nothing after the overflow
    }

    @Test(arguments: [
        "data: " + String(repeating: "y", count: 200) + "\n\n", // a long line in one chunk is caught too
        String(repeating: "data: 0123456789\n", count: 20), // 20 short lines cannot build an endless event (220 bytes)
    ])
    func oneChunkOverTheBoundGivesNoEvents(_ chunk: String) {
        var decoder = SSEDecoder(maxLineBytes: 100)
        #expect(decoder.feed(Array(chunk.utf8)).isEmpty)
        #expect(decoder.limitExceeded)
    }

    @Test func linesUpToTheBoundPass() {
        var decoder = SSEDecoder(maxLineBytes: 100)
        let data = String(repeating: "z", count: 94) // "data: " + 94 = 100 bytes
        #expect(decoder.feed(Array("data: \(data)\n\n".utf8)).map(\.data) == [data])
        #expect(!decoder.limitExceeded)
    }

    @Test func theMessageDecoderThrowsASpecificError() {
        var decoder = MessageStreamDecoder(maxLineBytes: 64)
        let chunk = Array(("data: " + String(repeating: "x", count: 100)).utf8)
        do {
            try chunk.withUnsafeBytes { try decoder.feed($0) { _ in } }
            Issue.record("expected an error")
        } catch let error as APIError {
            #expect(error.kind == .responseTooLarge)
            #expect(error.message.contains("longer than 64 bytes"), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func byteCountsReadWell() {
        #expect(ByteCount(16 << 20).description == "16 MiB")
        #expect(ByteCount(1 << 20).description == "1 MiB")
        #expect(ByteCount(1536).description == "1.5 KiB")
        #expect(ByteCount(1).description == "1 byte")
    }
}
