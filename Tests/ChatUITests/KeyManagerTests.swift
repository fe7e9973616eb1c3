import AnthropicAPI
import ChatCore
import Credentials
import FakeAnthropic
import Foundation
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

/// The key manager (Alt+K, "API key…") in the update function and on screen (issue 13, item 2).
@Suite struct KeyManagerTests {
    static let file = KeySource.credentialsFile("/home/u/.config/palaver/credentials.toml")
    static let rows: [KeySourceRow] = [
        KeySourceRow(
            source: .session, masked: nil, holding: .nothing("no key entered this session"), isEffective: false,
            why: "no key entered this session"),
        KeySourceRow(
            source: .environment("ANTHROPIC_API_KEY"), masked: "sk-ant-…wxyz", holding: .usable, isEffective: true,
            why: "in use: first in line", verifiedAt: t0),
        KeySourceRow(
            source: .environment("ANTHROPIC_AUTH_TOKEN"), masked: nil,
            holding: .nothing("ANTHROPIC_AUTH_TOKEN is not set"), isEffective: false,
            why: "ANTHROPIC_AUTH_TOKEN is not set"),
        KeySourceRow(
            source: .helper, masked: nil, holding: .unusable("api_key_helper exited with status 1"),
            isEffective: false, why: "cannot be used: api_key_helper exited with status 1"),
        KeySourceRow(
            source: file, masked: "sk-ant-…abcd", holding: .usable, isEffective: false,
            why: "not used: ANTHROPIC_API_KEY comes first", verifiedAt: t0.addingTimeInterval(-7200)),
        KeySourceRow(
            source: .profile("work"), masked: "sk-ant-…9876", holding: .usable, isEffective: false,
            why: "not used: the API rejected it 3 hours ago", rejectedAt: t0.addingTimeInterval(-3 * 3600)),
    ]

    func opened(width: Int = 100, height: Int = 30) -> ChatApp {
        var app = makeApp(width: width, height: height)
        app.type("half a sentence")
        #expect(app.press(.alt("k")) == [.listKeySources])
        _ = app.apply(.keySourcesListed(Self.rows))
        return app
    }

    @Test func itListsEverySourceWithItsStateAndWhyAndKeepsTheDraft() {
        var app = opened()
        let screen = app.screen().text
        for needle in [
            "API keys", "ANTHROPIC_API_KEY", "sk-ant-…wxyz", "in use: first in line", "ANTHROPIC_AUTH_TOKEN is not set",
            "api_key_helper exited with status 1", "credentials file", "sk-ant-…abcd", "verified 2h ago",
            "not used: ANTHROPIC_API_KEY comes first", "profile work", "not used: the API rejected it",
        ] {
            #expect(screen.contains(needle), "\(needle) missing:\n\(screen)")
        }
        #expect(app.ui.composer.text == "half a sentence")
    }

    @Test func useVerifySaveAndForgetGoToTheRuntime() {
        var app = opened()
        // Down to the credentials file's row (index 4).
        for _ in 0..<4 { app.press(KeyEvent(.down)) }
        #expect(app.press(.char("v")) == [.verifyKeySource(Self.file)])
        #expect(app.chat.keyManager?.busy != nil)
        #expect(app.press(.char("u")).isEmpty, "one piece of work at a time")
        _ = app.apply(.keySourceVerified(Self.file, KeyVerifier.Outcome(error: nil, requestID: nil, at: t0)))
        #expect(app.screen().text.contains("The API accepts the key in the credentials file"))
        #expect(app.press(.char("u")) == [.switchKey(to: Self.file)])
        let applied = app.apply(
            .keySwitched(KeySwitch(masked: "sk-ant-…abcd", source: Self.file, at: t0, reason: .chosen)))
        #expect(applied.contains(.listKeySources))
        #expect(app.chat.key.source == Self.file && app.chat.key.health == .valid(verifiedAt: t0))
        #expect(app.chat.notice?.text.contains("Using sk-ant-…abcd from the credentials file") == true)
        // Forgetting asks for a second d.
        app.press(KeyEvent(.down))
        #expect(app.press(.char("d")).isEmpty)
        #expect(app.screen().text.contains("Press d again to forget the key of profile work"))
        #expect(app.press(.char("d")) == [.forgetKey(.profile("work"))])
        _ = app.apply(.keyForgotten(.profile("work"), message: "Forgot the key of profile work.", error: false))
        #expect(app.chat.noticeLog.entries.last?.text == "Forgot the key of profile work.")
        #expect(app.ui.composer.text == "half a sentence")
    }

    @Test func variablesAndTheHelperCannotBeForgottenOrUsedTwice() {
        var app = opened()
        app.press(KeyEvent(.down)) // ANTHROPIC_API_KEY, in use
        #expect(app.press(.char("d")).isEmpty && app.press(.char("d")).isEmpty)
        #expect(app.press(.char("u")).isEmpty, "already in use")
        app.press(KeyEvent(.down))
        app.press(KeyEvent(.down)) // the failing helper
        #expect(app.press(.char("v")).isEmpty && app.press(.char("u")).isEmpty)
    }

    @Test func nOpensTheKeyDialogOverTheManagerAndANewKeyRefreshesIt() {
        var app = opened()
        app.press(.char("n"))
        #expect(app.chat.keyPrompt?.reason == .replace)
        #expect(app.top(KeyDialogLayer.self) != nil)
        let applied = app.apply(
            .keyApplied(masked: "sk-ant-…new1", source: .session, at: t0, reloaded: false))
        #expect(applied.contains(.listKeySources))
        #expect(app.chat.keyManager != nil)
        app.press(KeyEvent(.escape))
        #expect(app.chat.keyManager == nil && app.top(KeyManagerLayer.self) == nil)
        #expect(app.ui.composer.text == "half a sentence")
    }

    /// Checking the key in use from the manager is the monitor's check too: a 401 starts the
    /// look for another key (its effect is not dropped, so later rejections still reload).
    @Test func verifyingTheKeyInUseFeedsTheMonitor() {
        var app = opened()
        app.press(KeyEvent(.down)) // ANTHROPIC_API_KEY, in use
        #expect(app.press(.char("v")) == [.verifyKeySource(.environment("ANTHROPIC_API_KEY"))])
        let rejected = APIError(
            kind: .authentication, httpStatus: 401, errorType: "authentication_error", message: "invalid x-api-key")
        let effects = app.apply(
            .keySourceVerified(
                .environment("ANTHROPIC_API_KEY"),
                KeyVerifier.Outcome(error: rejected, requestID: nil, at: t0)))
        #expect(effects == [.reloadKey, .listKeySources])
        #expect(app.chat.reloadingKey)
        #expect(app.screen().text.contains("the API rejected it (invalid x-api-key)"))
    }

    @Test func aFailedSwitchSaysWhyAndKeepsTheKey() {
        var app = opened()
        for _ in 0..<4 { app.press(KeyEvent(.down)) }
        _ = app.press(.char("u"))
        _ = app.apply(.keySwitchFailed("Still using the same key: the key in the credentials file did not verify."))
        #expect(app.screen().text.contains("did not verify"))
        #expect(app.chat.key.source == .environment("ANTHROPIC_API_KEY"))
    }

    @Test func snapshots() {
        var app = opened()
        for _ in 0..<4 { app.press(KeyEvent(.down)) }
        assertSnapshot(app.screen().textWithCursor, named: "key-manager-100x30")
        var small = opened(width: 40, height: 12)
        for _ in 0..<5 { small.press(KeyEvent(.down)) }
        let screen = small.screen().text
        #expect(screen.contains("profile work"), "the selected row scrolls into view:\n\(screen)")
        assertSnapshot(small.screen().textWithCursor, named: "key-manager-40x12")
    }
}

/// Switching keys and failing over, through the runtime against fake-anthropic (issue 13, items 2 and 3).
extension ChatRuntimeTests {
    /// A credentials file whose default key `first` names the profile `spare` (holding `second`) as its fallback.
    private func rigWithFallback(_ fake: FakeServerHarness, first: String, second: String) throws -> Rig {
        let rig = try Rig(
            fake: fake, key: first, source: .credentialsFile("credentials.toml"), keyEnvironment: [:])
        try rig.keys.file.write(second, profile: "spare")
        try rig.keys.file.write(first, fallback: "spare")
        return rig
    }

    @Test func aRejectedKeyFailsOverToItsFallbackProfileAndTheMessageIsAnsweredOnceInPlace() async throws {
        let (first, second) = (FakeServerHarness.randomKey(), FakeServerHarness.randomKey())
        try await FakeServerHarness.with(reply: ReplyConfig(text: "answered by the spare")) { fake in
            fake.state.revokeKey(first)
            fake.state.addKey(second)
            let rig = try rigWithFallback(fake, first: first, second: second)
            rig.send("Are you there?")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            #expect(rig.app.chat.keyPrompt == nil, "the modal opens only when nothing else works")
            #expect(rig.app.chat.transcript.map(\.text) == ["Are you there?", "answered by the spare"])
            #expect(rig.app.chat.key.source == .profile("spare"))
            let notice = try #require(rig.app.chat.noticeLog.entries.last { $0.text.contains("fallback") }?.text)
            #expect(notice.contains("was rejected (401): switched to its fallback"), "\(notice)")
            rig.runtime.flush()
            let stored = try rig.store.lastMessages(in: try #require(rig.app.chat.conversation?.id), limit: 10)
            #expect(stored.map(\.text) == ["Are you there?", "answered by the spare"])
            #expect(fake.state.requests().last?.key == Secrets.mask(second))
        }
    }

    @Test func aKeyOutOfCreditFailsOverToItsFallbackProfile() async throws {
        let (first, second) = (FakeServerHarness.randomKey(), FakeServerHarness.randomKey())
        try await FakeServerHarness.with(reply: ReplyConfig(text: "paid for by the spare")) { fake in
            fake.state.setKeyStatus(first, .noCredit)
            fake.state.addKey(second)
            let rig = try rigWithFallback(fake, first: first, second: second)
            rig.send("Still there?")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.last?.text == "paid for by the spare" }
            #expect(rig.app.chat.transcript.map(\.text) == ["Still there?", "paid for by the spare"])
            #expect(rig.app.chat.key.source == .profile("spare"))
            #expect(
                rig.app.chat.noticeLog.entries.contains {
                    $0.text.contains("is out of credit: switched to its fallback")
                })
        }
    }

    @Test func outOfCreditWithoutAFallbackLeavesTheMessageFailedWithItsAdvice() async throws {
        let first = FakeServerHarness.randomKey()
        try await FakeServerHarness.with { fake in
            fake.state.setKeyStatus(first, .noCredit)
            let rig = try Rig(fake: fake, key: first, source: .credentialsFile("c"), keyEnvironment: [:])
            try rig.keys.file.write(first)
            rig.send("Anyone?")
            try await rig.pump { !$0.chat.reloadingKey && !$0.chat.isStreaming && $0.chat.awaitingKeyTurn == nil }
            guard case .failed(let report) = rig.app.chat.transcript[0].state else {
                Issue.record("not failed: \(rig.app.chat.transcript[0].state)")
                return
            }
            #expect(report.contains("console.anthropic.com"), "\(report)")
            #expect(rig.app.chat.keyPrompt == nil)
            if case .noCredit = rig.app.chat.key.health {} else { Issue.record("health: \(rig.app.chat.key.health)") }
        }
    }

    @Test func theManagerListsRealSourcesAndSwitchesToTheSavedKey() async throws {
        let saved = FakeServerHarness.randomKey()
        try await FakeServerHarness.with(reply: ReplyConfig(text: "from the saved key")) { fake in
            fake.state.addKey(saved)
            let rig = try Rig(fake: fake)
            try rig.keys.file.write(saved)
            rig.runtime.perform(rig.app.press(.alt("k")))
            try await rig.pump { $0.chat.keyManager?.loading == false }
            let rows = try #require(rig.app.chat.keyManager?.rows)
            let environment = try #require(rows.first { $0.source == .environment("ANTHROPIC_API_KEY") })
            #expect(environment.isEffective && environment.why == "in use: first in line")
            let file = try #require(rows.first { $0.source == .credentialsFile(rig.keys.file.path) })
            #expect(!file.isEffective && file.why == "not used: ANTHROPIC_API_KEY comes first")
            #expect(file.masked == Secrets.mask(saved))
            let index = try #require(rows.firstIndex { $0.source == file.source })
            for _ in 0..<index { rig.app.press(KeyEvent(.down)) }
            rig.runtime.perform(rig.app.press(.char("u")))
            try await rig.pump {
                $0.chat.key.source == file.source
                    && $0.chat.keyManager?.rows.first { $0.source == file.source }?.isEffective == true
            }
            let listed = try #require(rig.app.chat.keyManager?.rows.first { $0.source == file.source })
            #expect(listed.isEffective && listed.verifiedAt != nil)
            #expect(rig.keys.memory.verifiedAt(saved) != nil)
            rig.runtime.perform(rig.app.press(KeyEvent(.escape)))
            rig.send("Which key?")
            try await rig.pump { !$0.chat.isStreaming && $0.chat.transcript.count == 2 }
            #expect(fake.state.requests().last?.key == Secrets.mask(saved))
            #expect(!rig.screenText.contains(saved))
        }
    }
}

extension ChatRuntimeTests.Rig {
    var screenText: String {
        var app = app
        return app.screen().text
    }
}
