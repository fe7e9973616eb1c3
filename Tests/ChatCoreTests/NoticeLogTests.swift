import AnthropicAPI
import Credentials
import Foundation
import Testing

@testable import ChatCore

/// The notice log and the rate-limit headroom warning, through the update function.
@Suite struct NoticeLogTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func makeState(warning: Double = 0.10) -> ChatState {
        ChatState(
            settings: .init(
                baseURL: "http://127.0.0.1:1", fallbackModel: "claude-test-1", modelIsExplicit: true,
                rateLimitWarning: warning),
            key: KeyStatus(
                health: .valid(verifiedAt: Self.t0), masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY")),
            now: Self.t0)
    }

    /// Tokens with `remaining` of 1000 left, resetting `resetIn` seconds after t0.
    func tokens(_ remaining: Int, resetIn: TimeInterval? = 120) -> RateLimits {
        RateLimits([
            .requests: .init(limit: 50, remaining: 49, reset: Self.t0.addingTimeInterval(60)),
            .tokens: .init(limit: 1000, remaining: remaining, reset: resetIn.map { Self.t0.addingTimeInterval($0) }),
        ])
    }

    func sendTurn(_ state: inout ChatState, _ text: String = "hello") throws -> Int {
        var turn: Int?
        for effect in state.update(.send(text)) { if case .send(let r) = effect { turn = r.turn } }
        return try #require(turn)
    }

    @Test func everyShownNoticeIsLoggedWithItsTimeWholeAndItsKind() {
        var state = makeState()
        let long = String(repeating: "a long notice ", count: 30)
        _ = state.update(.notify(long, error: false, seconds: 5))
        _ = state.update(.tick(Self.t0.addingTimeInterval(7)))
        #expect(state.notice == nil)
        _ = state.update(.notify("broken", error: true, seconds: 5))
        #expect(
            state.noticeLog.entries == [
                NoticeLog.Entry(at: Self.t0, text: long, isError: false),
                NoticeLog.Entry(at: Self.t0.addingTimeInterval(7), text: "broken", isError: true),
            ])
    }

    @Test func updateFunctionNoticesAreLoggedToo() throws {
        var state = makeState()
        _ = try sendTurn(&state)
        _ = state.update(.send("again")) // queued while streaming
        _ = state.update(.send("and again")) // refused: one is queued already
        #expect(state.noticeLog.entries.last?.text.hasPrefix("One message is already queued") == true)
        #expect(state.noticeLog.entries.last?.isError == true)
    }

    @Test func theLogKeepsTheNewest500() {
        var state = makeState()
        for i in 0..<(NoticeLog.defaultCapacity + 20) {
            _ = state.update(.notify("notice \(i)", error: false, seconds: 1))
        }
        #expect(state.noticeLog.entries.count == NoticeLog.defaultCapacity)
        #expect(state.noticeLog.entries.first?.text == "notice 20")
        #expect(state.noticeLog.entries.last?.text == "notice \(NoticeLog.defaultCapacity + 19)")
        var small = NoticeLog(capacity: 2)
        for i in 0..<3 { small.record("\(i)", error: false, at: Self.t0) }
        #expect(small.entries.map(\.text) == ["1", "2"])
    }

    @Test func eachRetryIsLoggedWithAttemptDelayAndReason() throws {
        var state = makeState()
        let turn = try sendTurn(&state)
        let reason = APIError(kind: .overloaded, httpStatus: 529, message: "Overloaded", requestID: "req_9")
        _ = state.update(
            .turn(turn, .retrying(RetryNotice(attempt: 2, maxAttempts: 3, delay: .milliseconds(1500), reason: reason))))
        _ = state.update(
            .turn(turn, .retrying(RetryNotice(attempt: 3, maxAttempts: 3, delay: .seconds(4), reason: reason))))
        let texts = state.noticeLog.entries.map(\.text)
        #expect(
            texts == [
                "Retry 2/3 in 1.5s: \(reason.description)",
                "Retry 3/3 in 4s: \(reason.description)",
            ])
        #expect(texts[0].contains("HTTP 529") && texts[0].contains("Overloaded") && texts[0].contains("req_9"))
        #expect(state.noticeLog.entries.allSatisfy { $0.isError })
        // The status bar shows the retry as activity, not as a notice that would outlive the turn.
        #expect(state.notice == nil)
    }

    @Test func lowHeadroomIsNoticedOnceUntilItRecovers() throws {
        var state = makeState()
        let turn = try sendTurn(&state)
        _ = state.update(.turn(turn, .rateLimits(tokens(500))))
        #expect(state.lowHeadroom == nil)
        #expect(state.noticeLog.entries.isEmpty)

        _ = state.update(.turn(turn, .rateLimits(tokens(70))))
        #expect(state.lowHeadroom?.kind == .tokens)
        #expect(state.lowHeadroom?.remaining == 70)
        #expect(
            state.noticeLog.entries.map(\.text) == [
                "Rate limit running low: 7% of tokens left (70 of 1000); it resets in 2m."
            ])
        // Lower still, from a reply and from a key check: no second notice.
        _ = state.update(.turn(turn, .rateLimits(tokens(30))))
        _ = state.update(
            .keyChecked(KeyVerifier.Outcome(error: nil, requestID: nil, at: Self.t0, rateLimits: tokens(20))))
        #expect(state.noticeLog.entries.count == 1)
        #expect(state.lowHeadroom?.remaining == 20)

        // Recovered above the threshold, then low again: a second notice.
        _ = state.update(.turn(turn, .rateLimits(tokens(900))))
        #expect(state.lowHeadroom == nil)
        _ = state.update(.turn(turn, .rateLimits(tokens(100))))
        #expect(state.noticeLog.entries.count == 2)
        #expect(state.lowHeadroom?.fraction == 0.1) // at the threshold counts
    }

    @Test func aThresholdOf0TurnsTheWarningOff() throws {
        var state = makeState(warning: 0)
        let turn = try sendTurn(&state)
        _ = state.update(.turn(turn, .rateLimits(tokens(0))))
        #expect(state.lowHeadroom == nil)
        #expect(state.noticeLog.entries.isEmpty)
        #expect(state.rateLimits?.limits.lowestHeadroom?.remaining == 0)
    }

    @Test func headroomIsStaleOnceItsResetHasPassed() throws {
        var state = makeState()
        let turn = try sendTurn(&state)
        _ = state.update(.turn(turn, .rateLimits(tokens(10, resetIn: 30))))
        #expect(state.lowHeadroom != nil)
        _ = state.update(.tick(Self.t0.addingTimeInterval(31)))
        #expect(state.lowHeadroom == nil)

        // Without a reset time the warning stays, and its notice names no reset.
        var unknown = makeState()
        let other = try sendTurn(&unknown)
        _ = unknown.update(.turn(other, .rateLimits(tokens(10, resetIn: nil))))
        _ = unknown.update(.tick(Self.t0.addingTimeInterval(3600)))
        #expect(unknown.lowHeadroom?.reset == nil && unknown.lowHeadroom != nil)
        #expect(unknown.noticeLog.entries.map(\.text) == ["Rate limit running low: 1% of tokens left (10 of 1000)."])
    }

    @Test func durationsReadShort() {
        #expect(NoticeLog.seconds(0.5) == "0.5s")
        #expect(NoticeLog.seconds(3) == "3s")
        #expect(NoticeLog.seconds(125) == "2m 5s")
        #expect(NoticeLog.seconds(120) == "2m")
        #expect(NoticeLog.seconds(3840) == "1h 4m")
    }
}
