import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import SessionStore
import TerminalUI
import Testing

@testable import ChatUI

/// The key flows in the update function: first run, a rejected key mid-session, reloading, the
/// health monitor, offline and the failures that are not about the key.
@Suite struct KeyRecoveryTests {
    static let missing = KeyStatus(health: .missing, masked: nil, source: nil)
    static let goodKey = "sk-ant-api03-" + String(repeating: "a", count: 80) + "WXYZ"
    static let unauthorized = APIError(
        kind: .authentication, httpStatus: 401, errorType: "authentication_error",
        message: "invalid x-api-key", requestID: "req_401")

    func ok(_ at: Date = t0) -> KeyVerifier.Outcome { KeyVerifier.Outcome(error: nil, requestID: nil, at: at) }
    func failed(_ error: APIError) -> KeyVerifier.Outcome {
        KeyVerifier.Outcome(error: error, requestID: error.requestID, at: t0)
    }

    func effects(_ list: [ChatEffect], contain name: String) -> Bool {
        list.contains { "\($0)".hasPrefix(name) }
    }

    @Test func firstRunAsksDiagnosesVerifiesAndSaves() throws {
        var app = makeApp(chat: makeChat(key: Self.missing))
        let start = app.start(resume: nil)
        #expect(!effects(start, contain: "verifyKey"))
        #expect(app.chat.keyPrompt?.reason == .firstRun)
        #expect(app.screen().text.contains("An API key is needed"))

        // A malformed key: the diagnosis shows as it is typed, Enter refuses it locally.
        _ = app.handle(.paste("\"sk-ant-api03-abc\""))
        #expect(app.screen().text.contains("quote"))
        #expect(app.press(KeyEvent(.enter)).isEmpty)
        #expect(app.chat.keyPrompt?.phase == .refusedLocally, "not refused")

        // A good key: verified with a spinner, then saved.
        app.press(.ctrl("u"))
        _ = app.handle(.paste(Self.goodKey))
        let screen = app.screen().text
        #expect(screen.contains("WXYZ") && !screen.contains(Self.goodKey))
        let verify = app.press(KeyEvent(.enter))
        guard case .verifyCandidate(Self.goodKey)? = verify.first else {
            Issue.record("no check: \(verify)")
            return
        }
        #expect(app.screen().text.contains("Checking the key"))
        _ = app.apply(.candidateChecked(ok()))
        #expect(app.screen().text.contains("The API accepted the key"))
        guard case .useKey(Self.goodKey, save: true)? = app.press(.char("s")).first else {
            Issue.record("not saved")
            return
        }
        #expect(app.chat.keyPrompt == nil && app.ui.keyField.isEmpty)
        let applied = app.apply(
            .keyApplied(masked: "sk-ant-…WXYZ", source: .credentialsFile("/c"), at: t0, reloaded: false))
        #expect(effects(applied, contain: "loadModels"))
        #expect(app.chat.key.health == .valid(verifiedAt: t0))
        #expect(app.screen().lines().last?.contains("● valid") == true)
    }

    @Test func aRejectedCandidateKeepsTheDialogOpenWithTheServersMessage() {
        var app = makeApp(chat: makeChat(key: Self.missing))
        _ = app.start(resume: nil)
        _ = app.handle(.paste(Self.goodKey))
        _ = app.press(KeyEvent(.enter))
        _ = app.apply(.candidateChecked(failed(Self.unauthorized)))
        #expect(app.chat.keyPrompt != nil)
        #expect(app.screen().text.contains("rejected this key too"))
        #expect(app.screen().text.contains("req_401"))
        app.type("x") // typing again clears the error
        #expect(app.chat.keyPrompt?.phase == .editing)
    }

    @Test func escContinuesWithoutAKeyAndSendingAsksAgainKeepingTheText() {
        var app = makeApp(chat: makeChat(key: Self.missing))
        _ = app.start(resume: nil)
        app.press(KeyEvent(.escape))
        #expect(app.chat.keyPrompt == nil)
        app.type("my question")
        #expect(app.press(KeyEvent(.enter)).isEmpty)
        #expect(app.chat.keyPrompt?.reason == .firstRun)
        #expect(app.ui.composer.text == "my question")
    }

    /// A chat whose last prompt just got a 401.
    func rejectedApp() throws -> (ChatApp, TurnRequest) {
        var app = makeApp()
        app.type("keep this message")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.promptStored(turn: request.turn, MessageID(42)))
        let effects = app.apply(.turn(request.turn, .failed(Self.unauthorized)))
        guard case .reloadKey? = effects.first else {
            Issue.record("no reload: \(effects)")
            throw CancellationError()
        }
        return (app, request)
    }

    @Test func aRejectedKeyReloadsFirstThenAsksAndResendsTheSameMessageInPlace() throws {
        var (app, request) = try rejectedApp()
        #expect(app.chat.key.health.word == "rejected")
        #expect(app.chat.transcript[0].state == .pending("waiting for a valid key"))
        #expect(app.chat.keyPrompt == nil) // not before the reload looked elsewhere
        _ = app.apply(.keyReloadFailed)
        // Not on its own either: the status bar says which key opens it; Enter does too.
        #expect(app.chat.keyPrompt == nil)
        #expect(app.chat.transcript[0].state == .pending("waiting for a valid key: F10 enters one"))
        #expect(app.screen().lines().last?.contains("F10: new key") == true)
        app.press(KeyEvent(.enter))
        guard case .rejected(let message, let id)? = app.chat.keyPrompt?.reason else {
            Issue.record("no modal")
            return
        }
        #expect(message == "invalid x-api-key" && id == "req_401")
        let screen = app.screen().text
        #expect(screen.contains("Your API key was rejected"))
        #expect(screen.contains("sk-ant-…wxyz from ANTHROPIC_API_KEY"))
        #expect(screen.contains("ANTHROPIC_API_KEY still holds it"))

        // A second rejection inside the modal, then a good key.
        _ = app.handle(.paste(Self.goodKey))
        _ = app.press(KeyEvent(.enter))
        _ = app.apply(.candidateChecked(failed(Self.unauthorized)))
        #expect(app.chat.keyPrompt != nil)
        app.press(.ctrl("u"))
        _ = app.handle(.paste(Self.goodKey))
        _ = app.press(KeyEvent(.enter))
        _ = app.apply(.candidateChecked(ok()))
        guard case .useKey(_, save: false)? = app.press(.char("o")).first else {
            Issue.record("no session key")
            return
        }
        let resent = app.apply(.keyApplied(masked: "sk-ant-…WXYZ", source: .session, at: t0, reloaded: false))
        let again = try #require(sentRequest(resent))
        #expect(
            again.turn == request.turn && again.resendStored == MessageID(42) && again.prompt == "keep this message")
        app.stream(turn: again.turn, ["answered in place"])
        #expect(app.chat.transcript.map(\.text) == ["keep this message", "answered in place"])
        #expect(app.screen().lines().last?.contains("● valid") == true)
    }

    @Test func aKeyFoundByTheReloadIsUsedWithoutAsking() throws {
        var (app, request) = try rejectedApp()
        let resent = app.apply(
            .keyApplied(masked: "sk-ant-…NEW1", source: .credentialsFile("/c"), at: t0, reloaded: true))
        #expect(app.chat.keyPrompt == nil)
        #expect(sentRequest(resent)?.turn == request.turn)
        #expect(app.chat.notice?.text.contains("changed while palaver was running") == true)
    }

    @Test func escKeepsTheMessagePendingAndCtrlRTriesAgain() throws {
        var (app, request) = try rejectedApp()
        _ = app.apply(.keyReloadFailed)
        app.press(KeyEvent(.function(10)))
        #expect(app.chat.keyPrompt?.messageWaits == true)
        app.press(KeyEvent(.escape))
        #expect(app.chat.keyPrompt == nil)
        #expect(
            app.chat.transcript[0].state == .pending("waiting for a valid key: F10 enters one, Ctrl+R sends it again"))
        let again = try #require(sentRequest(app.press(.ctrl("r"))))
        #expect(again.turn == request.turn)
        guard case .reloadKey? = app.apply(.turn(again.turn, .failed(Self.unauthorized))).first else {
            Issue.record("no reload")
            return
        }
        _ = app.apply(.keyReloadFailed)
        #expect(app.chat.keyPrompt == nil)
        app.press(KeyEvent(.function(10)))
        #expect(app.chat.keyPrompt != nil)
    }

    @Test func resizingWithTheModalOpenKeepsItWhole() throws {
        var (app, _) = try rejectedApp()
        _ = app.apply(.keyReloadFailed)
        app.press(KeyEvent(.function(10)))
        for (w, h) in [(100, 30), (40, 12), (60, 14), (30, 8), (120, 40)] {
            _ = app.handle(.resize(Size(width: w, height: h)))
            let screen = app.screen()
            if w >= 40 && h >= 12 {
                #expect(screen.text.contains("rejected"), "at \(w)×\(h)")
            }
            for line in screen.lines() { #expect(line.displayWidth <= w) }
        }
        #expect(app.chat.keyPrompt != nil)
    }

    @Test func theModelListOrAHealthCheckGetting401AlsoReloads() {
        var app = makeApp()
        guard case .reloadKey? = app.apply(.modelsFailed(Self.unauthorized)).first else {
            Issue.record("models")
            return
        }
        var other = makeApp()
        guard case .reloadKey? = other.apply(.keyChecked(failed(Self.unauthorized))).first else {
            Issue.record("check")
            return
        }
        #expect(other.chat.key.health.word == "rejected")
    }

    @Test func forbiddenAndNoCreditDoNotAskForANewKey() throws {
        for error in [
            APIError(kind: .permission, httpStatus: 403, message: "no access to model"),
            APIError(kind: .billing, httpStatus: 402, message: "credit balance too low"),
        ] {
            var app = makeApp()
            app.type("hi")
            let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
            let effects = app.apply(.turn(request.turn, .failed(error)))
            // No credit looks for a fallback key (issue 13); neither asks for a new key.
            #expect(effects == (error.kind == .permission ? [] : [.failover]) && app.chat.keyPrompt == nil)
            guard case .failed(let report) = app.chat.transcript[0].state else {
                Issue.record("not shown")
                continue
            }
            #expect(report.contains("Console") || report.contains("console.anthropic.com"), "\(report)")
            #expect(app.chat.transcript[0].text == "hi")
        }
    }

    @Test func theMonitorChecksWhenIdleAndARevokedKeyTurnsTheStatusRejected() {
        var app = makeApp(
            chat: makeChat(
                key: KeyStatus(health: .unverified, masked: "sk-ant-…wxyz", source: .environment("ANTHROPIC_API_KEY"))))
        _ = app.start(resume: nil)
        _ = app.apply(.keyChecked(ok()))
        #expect(app.chat.nextKeyCheck == t0.addingTimeInterval(600))
        #expect(app.apply(.tick(t0.addingTimeInterval(300))).isEmpty)
        guard case .verifyKey? = app.apply(.tick(t0.addingTimeInterval(601))).first else {
            Issue.record("no check")
            return
        }
        #expect(app.chat.key.health == .checking)
        _ = app.apply(.keyChecked(failed(Self.unauthorized)))
        #expect(app.screen().lines().last?.contains("● rejected") == true)
    }

    @Test func offlineBacksOffAndSendsTheWaitingMessageWhenTheNetworkIsBack() throws {
        var app = makeApp()
        app.type("while offline")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.turn(request.turn, .failed(APIError(kind: .network, message: "could not connect"))))
        #expect(app.chat.key.health.word == "offline")
        guard case .pending(let reason?) = app.chat.transcript[0].state, reason.contains("offline") else {
            Issue.record("not waiting")
            return
        }
        #expect(app.chat.nextKeyCheck == t0.addingTimeInterval(15))
        _ = app.apply(.tick(t0.addingTimeInterval(16)))
        _ = app.apply(.keyChecked(failed(APIError(kind: .network, message: "still down"))))
        #expect(app.chat.nextKeyCheck == t0.addingTimeInterval(16 + 15))
        _ = app.apply(.tick(t0.addingTimeInterval(32)))
        let resent = app.apply(.keyChecked(ok(t0.addingTimeInterval(32))))
        #expect(sentRequest(resent)?.turn == request.turn)
    }

    @Test func theMaskShowsOnlyTheLastFour() {
        #expect(KeyPromptView.masked("short") == "•••••")
        #expect(KeyPromptView.masked(Self.goodKey).hasSuffix("•WXYZ"))
        #expect(!KeyPromptView.masked(Self.goodKey).contains("sk-ant"))
    }

    @Test func dialogSnapshots() throws {
        var first = makeApp(width: 90, height: 26, chat: makeChat(key: Self.missing))
        _ = first.start(resume: nil)
        _ = first.handle(.paste("sk-ant-api03-abc def"))
        assertSnapshot(first.screen().textWithCursor, named: "key-first-run")
        var (app, _) = try rejectedApp()
        _ = app.apply(.keyReloadFailed)
        app.press(KeyEvent(.enter))
        assertSnapshot(app.screen().textWithCursor, named: "key-rejected")
    }
}

extension KeyRecoveryTests {
    /// Issue 11 (6): a 401 found by the start-up or background check, while the user types,
    /// never opens a dialog; the whole sentence stays in the composer; the user's Enter opens
    /// the dialog and, once a key works, the sentence is sent as it stands.
    @Test func aBackground401WhileTypingNeverTakesTheKeyboard() throws {
        var app = makeApp()
        _ = app.start(resume: nil)
        app.type("The first half of a sentence")
        guard case .reloadKey? = app.apply(.keyChecked(failed(Self.unauthorized))).first else {
            Issue.record("no reload")
            return
        }
        app.type(", and the sec")
        _ = app.apply(.keyReloadFailed)
        app.type("ond half.")
        #expect(app.chat.keyPrompt == nil && app.ui.keyField.isEmpty)
        #expect(app.ui.composer.text == "The first half of a sentence, and the second half.")
        let status = try #require(app.screen().lines().last)
        #expect(status.contains("● rejected") && status.contains("F10: new key"))
        #expect(app.chat.notice?.text.contains("F10 enters a new one") == true)

        // Enter is the user's own action: now the dialog opens; the text stays in the composer.
        #expect(sentRequest(app.press(KeyEvent(.enter))) == nil)
        guard case .rejected? = app.chat.keyPrompt?.reason else {
            Issue.record("no dialog")
            return
        }
        #expect(app.chat.keyPrompt?.messageWaits == true)
        #expect(app.ui.composer.text == "The first half of a sentence, and the second half.")
        _ = app.handle(.paste(Self.goodKey))
        _ = app.press(KeyEvent(.enter))
        _ = app.apply(.candidateChecked(ok()))
        guard case .useKey(_, save: false)? = app.press(.char("o")).first else {
            Issue.record("not used")
            return
        }
        let sent = app.apply(.keyApplied(masked: "sk-ant-…WXYZ", source: .session, at: t0, reloaded: false))
        let request = try #require(sentRequest(sent))
        #expect(request.prompt == "The first half of a sentence, and the second half.")
        #expect(app.ui.composer.isEmpty)
        app.stream(turn: request.turn, ["answered"])
        #expect(app.chat.transcript.map(\.text) == ["The first half of a sentence, and the second half.", "answered"])
    }

    /// Issue 11 (6): a message sent before any key exists is sent once a key is entered.
    @Test func aMessageSentBeforeAnyKeyIsSentOnceAKeyWorks() throws {
        var app = makeApp(chat: makeChat(key: Self.missing))
        _ = app.start(resume: nil)
        app.press(KeyEvent(.escape)) // the first-run dialog, closed
        app.type("my first question")
        #expect(sentRequest(app.press(KeyEvent(.enter))) == nil)
        #expect(app.chat.keyPrompt?.reason == .firstRun && app.chat.keyPrompt?.messageWaits == true)
        #expect(app.screen().text.contains("sent once the key works"))
        _ = app.handle(.paste(Self.goodKey))
        _ = app.press(KeyEvent(.enter))
        _ = app.apply(.candidateChecked(ok()))
        guard case .useKey(_, save: true)? = app.press(.char("s")).first else {
            Issue.record("not saved")
            return
        }
        let request = try #require(
            sentRequest(
                app.apply(.keyApplied(masked: "sk-ant-…WXYZ", source: .credentialsFile("/c"), at: t0, reloaded: false)))
        )
        #expect(request.prompt == "my first question" && request.resendStored == nil)
        #expect(app.ui.composer.isEmpty)
        #expect(app.chat.transcript.map(\.text) == ["my first question"])
    }

    /// Closing the dialog takes the text back: it stays unsent in the composer, and a key found
    /// later does not send it behind the user's back.
    @Test func escAfterSendingWithoutAKeyKeepsTheTextUnsent() {
        var app = makeApp(chat: makeChat(key: Self.missing))
        app.type("not yet")
        _ = app.press(KeyEvent(.enter))
        #expect(app.chat.keyPrompt != nil)
        app.press(KeyEvent(.escape))
        #expect(app.chat.draftWaitsForKey == false)
        let effects = app.apply(
            .keyApplied(masked: "sk-ant-…NEW1", source: .credentialsFile("/c"), at: t0, reloaded: true))
        #expect(sentRequest(effects) == nil)
        #expect(app.ui.composer.text == "not yet")
    }

    /// A key found by the reload while the dialog is open closes it and sends what waited.
    @Test func aKeyFoundWhileTheDialogIsOpenClosesItAndSendsTheWaitingText() throws {
        var app = makeApp()
        _ = app.apply(.keyChecked(failed(Self.unauthorized)))
        _ = app.apply(.keyReloadFailed)
        app.type("waiting text")
        _ = app.press(KeyEvent(.enter))
        app.type("sk-ant-partial")
        #expect(app.chat.keyPrompt != nil && !app.ui.keyField.isEmpty)
        let request = try #require(
            sentRequest(app.apply(.keyApplied(masked: "sk-ant-…NEW1", source: .helper, at: t0, reloaded: true))))
        #expect(request.prompt == "waiting text")
        #expect(app.chat.keyPrompt == nil && app.ui.keyField.isEmpty)
    }

    /// F10 opens the dialog on request, also to replace a key that works (Alt+K opens the key manager).
    @Test func f10OpensTheDialogOnRequest() {
        var app = makeApp()
        app.type("draft")
        app.press(KeyEvent(.function(10)))
        #expect(app.chat.keyPrompt?.reason == .replace && app.chat.keyPrompt?.messageWaits == false)
        #expect(app.screen().text.contains("Enter a new API key"))
        app.press(KeyEvent(.escape))
        #expect(app.chat.keyPrompt == nil && app.ui.composer.text == "draft")
        #expect(Keymap.entries.contains { $0.keys.contains("F10") })
        #expect(Keymap.entries.contains { $0.keys.contains("Alt+K") && $0.bindings.first?.command == .keyManager })
    }

    /// Nothing in the runtime's results opens a dialog: every result, applied while the user
    /// types, leaves the keyboard with the composer.
    @Test func noRuntimeResultOpensADialog() {
        let results: [ChatAction] = [
            .keyChecked(failed(Self.unauthorized)), .keyReloadFailed, .modelsFailed(Self.unauthorized),
            .keyChecked(failed(APIError(kind: .network, message: "down"))), .storeFailed("disk full"),
            .exportFailed("no"), .keySaveFailed("no"), .tick(t0.addingTimeInterval(700)),
            .keyApplied(masked: "sk-ant-…NEW1", source: .session, at: t0, reloaded: true),
        ]
        var app = makeApp()
        _ = app.start(resume: nil)
        for (i, result) in results.enumerated() {
            app.type("\(i)")
            _ = app.apply(result)
            #expect(app.chat.keyPrompt == nil && app.ui.layers.isEmpty, "\(result)")
        }
        #expect(app.ui.composer.text == (0..<results.count).map { "\($0)" }.joined())
    }

    @Test func aMessageSentWithAKeyThatLooksValidWaitsWithoutADialogWhenRejected() throws {
        var app = makeApp()
        app.type("now send")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        app.type("the next one")
        _ = app.apply(.turn(request.turn, .failed(Self.unauthorized)))
        _ = app.apply(.keyReloadFailed)
        app.type(" goes on")
        #expect(app.chat.keyPrompt == nil)
        #expect(app.ui.composer.text == "the next one goes on")
        #expect(app.chat.notice?.text.contains("your message waits") == true)
    }
}
