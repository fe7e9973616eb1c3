import AnthropicAPI
import Credentials
import Foundation
import Testing

@testable import ChatCore

/// The key monitor on its own: checks and their schedule, reloads after a 401, the dialog's phases.
@Suite struct KeyMonitorTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let unauthorized = APIError(
        kind: .authentication, httpStatus: 401, message: "invalid x-api-key", requestID: "req_401")
    static let offline = APIError(kind: .network, message: "connection refused")
    static let typed = "sk-ant-api03-" + String(repeating: "c", count: 80)

    func monitor(_ health: KeyHealth = .valid(verifiedAt: t0), interval: TimeInterval = 600, canReload: Bool = true)
        -> KeyMonitor
    {
        KeyMonitor(
            key: KeyStatus(health: health, masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY")),
            checkInterval: interval, canReload: canReload)
    }

    func outcome(_ error: APIError?, at date: Date = t0) -> KeyVerifier.Outcome {
        KeyVerifier.Outcome(error: error, requestID: error?.requestID, at: date)
    }

    // MARK: Start and the schedule

    @Test func startChecksAUsableKey() {
        var m = monitor(.unverified)
        #expect(m.start() == [.verifyKey])
        #expect(m.key.health == .checking && m.prompt == nil)
    }

    @Test func startWithoutAKeyOpensTheFirstRunDialog() {
        var m = monitor(.missing)
        #expect(m.start().isEmpty)
        #expect(m.prompt?.reason == .firstRun && m.prompt?.phase == .editing)
        #expect(m.prompt?.rejectedMasked == "sk-ant-…wxyz")
    }

    @Test func aPassedCheckSchedulesTheNextOneAnIntervalAway() {
        var m = monitor()
        _ = m.start()
        #expect(m.checked(outcome(nil), now: Self.t0).isEmpty)
        #expect(m.key.health == .valid(verifiedAt: Self.t0))
        #expect(m.nextCheck == Self.t0.addingTimeInterval(600))
    }

    @Test func aDueCheckRunsOnlyWhenIdleAndNothingElseIsUnderWay() {
        var m = monitor(interval: 10)
        _ = m.checked(outcome(nil), now: Self.t0)
        #expect(m.tick(Self.t0.addingTimeInterval(9), idle: true).isEmpty)
        #expect(m.tick(Self.t0.addingTimeInterval(10), idle: false).isEmpty)
        #expect(m.tick(Self.t0.addingTimeInterval(10), idle: true) == [.verifyKey])
        #expect(m.nextCheck == nil && m.key.health == .checking)
        #expect(m.tick(Self.t0.addingTimeInterval(20), idle: true).isEmpty) // one at a time
    }

    @Test func noCheckWhileTheDialogIsOpenOrAReloadRuns() {
        var dialog = monitor(interval: 10)
        _ = dialog.checked(outcome(nil), now: Self.t0)
        dialog.openPrompt(messageWaits: false)
        #expect(dialog.tick(Self.t0.addingTimeInterval(11), idle: true).isEmpty)
        var reloading = monitor(interval: 10)
        _ = reloading.checked(outcome(nil), now: Self.t0)
        #expect(reloading.rejected() == [.reloadKey])
        #expect(reloading.tick(Self.t0.addingTimeInterval(11), idle: true).isEmpty)
    }

    @Test func offlineChecksBackOffFromFifteenSecondsUpToTheInterval() {
        var m = monitor(interval: 50)
        var at = Self.t0
        var waits: [TimeInterval] = []
        for _ in 0..<4 {
            _ = m.checked(outcome(Self.offline, at: at), now: at)
            let next = m.nextCheck!
            waits.append(next.timeIntervalSince(at))
            at = next
        }
        #expect(waits == [15, 30, 50, 50])
        #expect(m.key.health == .offline("connection refused"))
        _ = m.checked(outcome(nil, at: at), now: at)
        _ = m.checked(outcome(Self.offline, at: at), now: at)
        #expect(m.nextCheck == at.addingTimeInterval(15)) // a pass resets the back-off
    }

    @Test func aRequestThatWentOfflineChecksAgainInFifteenSeconds() {
        var m = monitor()
        m.wentOffline(at: Self.t0)
        #expect(m.nextCheck == Self.t0.addingTimeInterval(15))
    }

    @Test func aRateLimitEndsWhenItsTimeIsUp() {
        var m = monitor()
        var limited = APIError(kind: .rateLimited, httpStatus: 429, message: "slow down")
        limited.retryAfter = .seconds(30)
        m.requestFailed(limited, at: Self.t0)
        #expect(m.key.health == .rateLimited(until: Self.t0.addingTimeInterval(30)))
        _ = m.tick(Self.t0.addingTimeInterval(29), idle: false)
        #expect(m.key.health.word == "rate-limited")
        _ = m.tick(Self.t0.addingTimeInterval(30), idle: false)
        #expect(m.key.health == .valid(verifiedAt: Self.t0.addingTimeInterval(30)))
    }

    @Test func aSucceededRequestClearsARejectionAndReschedules() {
        var m = monitor()
        _ = m.checked(outcome(Self.unauthorized), now: Self.t0)
        m.reloadFailed()
        #expect(m.needsKey)
        m.requestSucceeded(at: Self.t0.addingTimeInterval(5))
        #expect(!m.needsKey && m.rejection == nil)
        #expect(m.nextCheck == Self.t0.addingTimeInterval(605))
    }

    // MARK: Rejection and reload

    @Test func a401LooksForAnotherKeyOnceAtATime() {
        var m = monitor()
        #expect(m.checked(outcome(Self.unauthorized), now: Self.t0) == [.reloadKey])
        #expect(m.reloading && m.key.isRejected)
        #expect(m.rejected().isEmpty)
    }

    @Test func noReloadInDemoModeOrWhileTheDialogIsOpen() {
        var demo = monitor(canReload: false)
        #expect(demo.checked(outcome(Self.unauthorized), now: Self.t0).isEmpty)
        var dialog = monitor()
        dialog.openPrompt(messageWaits: false)
        #expect(dialog.rejected().isEmpty && !dialog.reloading)
    }

    @Test func aFailedReloadKeepsTheRejectionEvenWhileTheHealthReadsChecking() {
        var m = monitor(interval: 1)
        _ = m.checked(outcome(Self.unauthorized), now: Self.t0)
        m.reloadFailed()
        #expect(!m.reloading)
        #expect(m.rejection == KeyMonitor.Rejection(message: "invalid x-api-key", requestID: "req_401"))
        #expect(m.tick(Self.t0.addingTimeInterval(2), idle: true) == [.verifyKey])
        #expect(m.key.health == .checking && m.needsKey)
        m.openPrompt(messageWaits: true)
        #expect(m.prompt?.reason == .rejected(message: "invalid x-api-key", requestID: "req_401"))
        #expect(m.prompt?.messageWaits == true)
    }

    @Test func aFailedReloadWithoutARejectedHealthStillRemembersARejection() {
        var m = monitor()
        m.reloadFailed()
        #expect(m.rejection == KeyMonitor.Rejection(message: "invalid x-api-key", requestID: nil))
    }

    @Test func anAppliedKeyIsValidAndClosesADialogThatIsNotChoosing() {
        var m = monitor()
        _ = m.checked(outcome(Self.unauthorized), now: Self.t0)
        m.openPrompt(messageWaits: false)
        m.applied(masked: "sk-ant-…cccc", source: .credentialsFile("/c"), at: Self.t0)
        #expect(
            m.key
                == KeyStatus(
                    health: .valid(verifiedAt: Self.t0), masked: "sk-ant-…cccc", source: .credentialsFile("/c")))
        #expect(m.prompt == nil && !m.reloading && m.rejection == nil)
        #expect(m.nextCheck == Self.t0.addingTimeInterval(600))
    }

    @Test func anAppliedKeyLeavesAVerifiedDialogForTheUserToChoose() {
        var m = monitor()
        m.openPrompt(messageWaits: false)
        _ = m.submit(Self.typed)
        m.candidateChecked(outcome(nil), baseURL: "http://127.0.0.1:1")
        m.applied(masked: "sk-ant-…dddd", source: .helper, at: Self.t0)
        #expect(m.prompt?.phase == .verified)
    }

    // MARK: The dialog

    @Test func theDialogSaysWhyAKeyIsNeeded() {
        var working = monitor()
        working.openPrompt(messageWaits: false)
        #expect(working.prompt?.reason == .replace)
        var missing = monitor(.missing)
        missing.openPrompt(messageWaits: false)
        #expect(missing.prompt?.reason == .firstRun)
        var rejected = monitor(.rejected(message: "revoked", requestID: "req_1"))
        rejected.openPrompt(messageWaits: false)
        #expect(rejected.prompt?.reason == .rejected(message: "revoked", requestID: "req_1"))
    }

    @Test func aTypedKeyIsCheckedLocallyThenWithTheAPI() {
        var m = monitor()
        m.openPrompt(messageWaits: false)
        #expect(m.submit("   ").isEmpty)
        // Refused locally; the dialog lists why (once) from the typed text.
        #expect(m.prompt?.phase == .refusedLocally, "a blank key was not refused")
        #expect(KeyPrompt.problems(inTyped: "   ").map(\.text).joined().contains("only whitespace"))
        #expect(m.submit("").isEmpty)
        guard case .failed(let said)? = m.prompt?.phase else {
            Issue.record("an empty field was not refused")
            return
        }
        #expect(said.contains("Paste a key first"))
        m.editAgain()
        #expect(m.prompt?.phase == .editing)
        #expect(m.submit(Self.typed) == [.verifyCandidate(Self.typed)])
        #expect(m.prompt?.phase == .verifying)
        #expect(m.submit(Self.typed).isEmpty) // once at a time
        m.editAgain()
        #expect(m.prompt?.phase == .verifying) // only a failed check goes back to editing
    }

    @Test func aRejectedCandidateSaysSoWithTheRequestID() {
        var m = monitor()
        m.openPrompt(messageWaits: false)
        _ = m.submit(Self.typed)
        m.candidateChecked(outcome(Self.unauthorized), baseURL: "http://127.0.0.1:1")
        guard case .failed(let text)? = m.prompt?.phase else {
            Issue.record("not failed")
            return
        }
        #expect(text.contains("rejected this key too") && text.contains("req_401"))
        #expect(m.keep(save: true).isEmpty) // nothing verified to keep
    }

    @Test func aVerifiedCandidateIsUsedOnlyWhenKept() {
        var m = monitor()
        m.openPrompt(messageWaits: false)
        _ = m.submit(Self.typed)
        #expect(m.keep(save: true).isEmpty) // still verifying
        m.candidateChecked(outcome(nil), baseURL: "http://127.0.0.1:1")
        #expect(m.prompt?.phase == .verified)
        #expect(m.keep(save: true) == [.useKey(Self.typed, save: true)])
        #expect(m.prompt == nil)
    }

    @Test func anAnswerForAClosedDialogIsIgnored() {
        var m = monitor()
        m.openPrompt(messageWaits: false)
        _ = m.submit(Self.typed)
        let closedFirst = m.closePrompt()
        let closedAgain = m.closePrompt()
        #expect(closedFirst)
        #expect(!closedAgain)
        m.candidateChecked(outcome(nil), baseURL: "http://127.0.0.1:1")
        #expect(m.prompt == nil)
    }
}
