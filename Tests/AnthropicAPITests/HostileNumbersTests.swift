import Foundation
import Testing

@testable import AnthropicAPI

/// Numbers from a hostile server (headers, JSON, SSE fields) are range-checked, never trapped on.
@Suite struct HostileNumbersTests {
    private func wait(_ pairs: [(String, String)]) -> Duration? {
        RetryPolicy.retryAfter(from: HTTPHeaders(pairs), now: Date(timeIntervalSince1970: 1_700_000_000))
    }

    private static let maxWait: Duration = .seconds(Duration.maxServerWaitSeconds)
    private var cap: Duration { Self.maxWait }

    @Test(arguments: ["inf", "+inf", "Infinity", "1e300", "1e309", "9.3e18", "99999999999999999999999"])
    func hugeRetryAfterIsClampedNotTrapped(_ value: String) {
        #expect(wait([("retry-after", value)]) == cap)
        #expect(wait([("retry-after-ms", value)]).map { $0 <= cap } == true)
    }

    @Test(arguments: ["nan", "-nan", "-5", "-1e300", "-inf", "abc", "", "0x", String(repeating: "9", count: 100)])
    func nonsenseRetryAfterIsIgnored(_ value: String) {
        #expect(wait([("retry-after", value)]) == nil)
    }

    @Test(
        arguments: [
            ([("retry-after-ms", "9.3e18")], maxWait), // nine quintillion milliseconds is clamped
            ([("retry-after-ms", "inf")], maxWait),
            ([("retry-after", "-0")], .zero),
            ([("retry-after", "2.5")], .milliseconds(2500)),
            ([("retry-after-ms", "nan"), ("retry-after", "3")], .seconds(3)), // a bad ms value falls back
            ([("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")], maxWait),
        ] as [([(String, String)], Duration)])
    func edgeRetryAfterValuesGiveTheirWait(_ headers: [(String, String)], expected: Duration) {
        #expect(wait(headers) == expected)
    }

    @Test func durationArithmeticSaturates() {
        #expect(Duration.seconds(Int64.max).inMilliseconds == Int.max)
        #expect(Duration.seconds(Int64.min).inMilliseconds == Int.min)
        #expect(Duration.milliseconds(1500).inMilliseconds == 1500)
    }

    @Test func longWaitsAreSpokenSensibly() {
        #expect(Duration.milliseconds(250).spoken == "250 ms")
        #expect(Duration.seconds(12).spoken == "12 s")
        #expect(Duration.seconds(120).spoken == "2 min")
        #expect(Duration.seconds(3 * 3600).spoken == "3 h")
        #expect(Duration.seconds(5 * 86_400).spoken == "5 days")
        #expect(Duration.seconds(1_000_000_020).spoken == "more than a year") // was "16666667 min"
        #expect(Duration.seconds(Int64.max).spoken == "more than a year")
        #expect(Duration.seconds(-3).spoken == "0 ms")
    }

    @Test func a429WithAnInfiniteWaitIsAnErrorNotACrash() {
        let error = APIError(status: 429, headers: HTTPHeaders([("retry-after", "inf")]), body: [])
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == cap)
        #expect(RetryPolicy().delay(beforeRetry: 0, after: error) == nil) // too long to wait silently
        #expect(!error.description.isEmpty)
    }

    @Test func usageCountsOutOfRangeAreDropped() throws {
        let json = try JSONValue.parse(
            #"{"input_tokens": -5, "output_tokens": 1e300, "cache_read_input_tokens": 1e999, "cache_creation_input_tokens": 7}"#
        )
        let usage = Usage(json: json)
        #expect(usage.inputTokens == nil)
        #expect(usage.outputTokens == nil)
        #expect(usage.cacheReadInputTokens == nil)
        #expect(usage.cacheCreationInputTokens == 7)
    }

    @Test func hugeJSONNumbersStayValues() throws {
        #expect(try JSONValue.parse("1e999").intValue == nil)
        #expect(try JSONValue.parse("-1e999").intValue == nil)
        #expect(try JSONValue.parse("99999999999999999999999").intValue == nil)
        #expect(try JSONValue.parse("9223372036854775807").intValue == Int.max)
        #expect(try JSONValue.parse("1e999").serialized() == "null") // never "inf" in JSON output
    }

    @Test(arguments: ["1e300", "-1e300", "99999999999999999999", "1.5", "\"0\"", "null"])
    func oddBlockIndexesDoNotTrap(_ index: String) {
        let sse = ServerSentEvent(
            event: "content_block_delta",
            data: #"{"type":"content_block_delta","index":\#(index),"delta":{"type":"text_delta","text":"x"}}"#)
        do throws(APIError) {
            let event = try StreamEvent.decode(sse)
            var accumulator = MessageAccumulator()
            try accumulator.apply(event)
        } catch {
            #expect(error.kind == .malformedResponse)
            #expect(!error.message.contains("not valid JSON"), "\(error.message)")
        }
    }

    @Test func farAndNegativeBlockIndexesAreKeptApart() throws {
        var accumulator = MessageAccumulator()
        for (index, text) in [(-1, "a"), (Int.max, "b"), (1023, "c"), (-1, "d")] {
            try accumulator.apply(.contentBlockDelta(index: index, delta: .text(text)))
        }
        #expect(accumulator.message.text == "adbc")
        #expect(accumulator.message.content.count == 3)
    }

    @Test func sseRetryFieldIsBounded() {
        var decoder = SSEDecoder()
        let events = decoder.feed(
            Array("retry: 99999999999999999999999\ndata: a\n\nretry: 1500\ndata: b\n\nretry: -3\ndata: c\n\n".utf8))
        #expect(events.map(\.retry) == [nil, 1500, nil])
    }

    @Test func httpDatesAreParsedByHandInEveryForm() {
        #expect(RetryPolicy.httpDate("Wed, 21 Oct 2015 07:28:00 GMT")?.timeIntervalSince1970 == 1_445_412_480)
        #expect(RetryPolicy.httpDate("Sunday, 06-Nov-94 08:49:37 GMT")?.timeIntervalSince1970 == 784_111_777)
        #expect(RetryPolicy.httpDate("Sun Nov  6 08:49:37 1994")?.timeIntervalSince1970 == 784_111_777)
        #expect(RetryPolicy.httpDate("Thu, 29 Feb 2024 23:59:59 GMT")?.timeIntervalSince1970 == 1_709_251_199)
    }

    /// swift-corelibs-foundation's DateFormatter trapped on these (a remote crash from one header;
    /// the fuzz seeds under Tests/Fuzz/Crashes/headers).
    @Test(arguments: [
        "Wed, 21 Oct 2015 07:28:\u{301}00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT\u{301}", "\u{301}",
        "Thu, 29 Feb 2023 10:00:00 GMT", "Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 24:00:00 GMT",
        "Wed, 21 Oct +015 07:28:00 GMT", "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28 GMT", "",
    ])
    func oddHTTPDatesAreRefusedNotTrapped(_ text: String) {
        #expect(RetryPolicy.httpDate(text) == nil)
        #expect(RetryPolicy.retryAfter(from: HTTPHeaders([("retry-after", text)])) == nil)
    }
}
