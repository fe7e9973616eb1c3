import AnthropicAPI
import ChatCore
import Credentials
import Foundation
import TerminalUI
import Testing

@testable import ChatUI

/// The key dialog as a new user meets it (issue 13, item 6): every diagnosis of a pasted value at
/// once and each once, the one-key fix, a key the API just rejected caught by its fingerprint,
/// and the first-run dialog still readable at 40×12.
@Suite struct KeyDialogPolishTests {
    static let missing = KeyStatus(health: .missing, masked: nil, source: nil)
    static let goodKey = KeyRecoveryTests.goodKey

    func firstRun(width: Int = 100, height: Int = 30) -> ChatApp {
        var app = makeApp(width: width, height: height, chat: makeChat(key: Self.missing))
        _ = app.start(resume: nil)
        return app
    }

    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func everyDiagnosisOfAPasteShowsAtOnceAndOnceOnly() {
        var app = firstRun()
        _ = app.handle(.paste("export ANTHROPIC_API_KEY=\"\(Self.goodKey)\" "))
        let before = app.screen().text
        #expect(count("whole shell line", in: before) == 1, "\(before)")
        #expect(count("wrapped in quote characters", in: before) == 1, "\(before)")
        #expect(count("whitespace or a line break around it", in: before) == 1, "\(before)")
        #expect(app.press(KeyEvent(.enter)).isEmpty, "nothing is sent")
        #expect(app.chat.keyPrompt?.phase == .refusedLocally)
        let after = app.screen().text
        #expect(count("whole shell line", in: after) == 1, "\(after)")
        #expect(count("wrapped in quote characters", in: after) == 1, "\(after)")
        #expect(after.contains("Nothing was sent"))
    }

    @Test func fRemovesExactlyTheWrappingAndChecksTheKey() {
        for (pasted, removes) in [
            ("\"\(Self.goodKey)\"", "the quotes"),
            ("Bearer \(Self.goodKey)", "\"Bearer \""),
            ("export ANTHROPIC_API_KEY=\(Self.goodKey)", "the \"export NAME=\" before it"),
            ("ANTHROPIC_API_KEY='\(Self.goodKey)'", "the quotes and the \"NAME=\" before it"),
        ] {
            var app = firstRun()
            _ = app.handle(.paste(pasted))
            #expect(app.screen().text.contains("Press f to remove \(removes)"), "\(pasted)")
            let effects = app.press(.char("f"))
            #expect(effects == [.verifyCandidate(Self.goodKey)], "\(pasted)")
            #expect(app.ui.keyField.text == Self.goodKey)
            #expect(app.chat.keyPrompt?.phase == .verifying)
        }
    }

    @Test func theFixIsOfferedAfterEnterTooAndWithdrawnByAnEdit() {
        var app = firstRun()
        app.type("'\(Self.goodKey)'")
        #expect(!app.screen().text.contains("Press f"), "typing is not offered the fix until Enter")
        _ = app.press(KeyEvent(.enter))
        #expect(app.screen().text.contains("Press f to remove the quotes"))
        app.press(KeyEvent(.backspace))
        #expect(!app.screen().text.contains("Press f"))
        #expect(app.chat.keyPrompt?.phase == .editing)
        app.type("f")
        #expect(app.ui.keyField.text.hasSuffix("f"), "f types again once the offer is withdrawn")
    }

    @Test func noFixIsOfferedWhenRemovingTheWrappingWouldNotLeaveAKey() {
        var app = firstRun()
        _ = app.handle(.paste("\"sk-proj-\(String(repeating: "b", count: 60))\""))
        #expect(!app.screen().text.contains("Press f"))
        #expect(app.screen().text.contains("OpenAI"), "the problem after the quotes is listed too")
        app.type("f")
        #expect(app.ui.keyField.text.hasSuffix("f"))
    }

    @Test func aKeyTheAPIJustRejectedIsCaughtLocally() {
        var app = firstRun()
        _ = app.handle(.paste(Self.goodKey))
        #expect(app.press(KeyEvent(.enter)) == [.verifyCandidate(Self.goodKey)])
        _ = app.apply(.candidateKnownRejected(at: t0.addingTimeInterval(-30)))
        let screen = app.screen().text
        #expect(screen.contains("This is the key the API rejected a moment ago"), "\(screen)")
        #expect(screen.contains("did not send it again"))
        guard case .failed? = app.chat.keyPrompt?.phase else {
            Issue.record("not failed: \(String(describing: app.chat.keyPrompt?.phase))")
            return
        }
    }

    @Test func atFortyByTwelveTheInstructionsAndTheConsoleAddressStayReadable() {
        var app = firstRun(width: 40, height: 12)
        let screen = app.screen().text
        #expect(screen.contains("Paste an API key"), "\(screen)")
        #expect(screen.contains("console.anthropic.com"), "\(screen)")
        #expect(screen.contains("Key:"), "\(screen)")
        _ = app.handle(.paste("\"\(Self.goodKey)\""))
        let pasted = app.screen().text
        #expect(pasted.contains("Key:"), "\(pasted)")
        assertSnapshot(app.screen().textWithCursor, named: "key-first-run-40x12")
    }

    @Test func sourcesReadAsWordsInReportsAndTheDialog() {
        let status = KeyStatus(health: .unverified, masked: "sk-ant-…wxyz", source: .session)
        #expect(status.description == "sk-ant-…wxyz entered in this session")
        var app = makeApp(
            chat: makeChat(
                key: KeyStatus(
                    health: .rejected(message: "invalid x-api-key", requestID: nil), masked: "sk-ant-…wxyz",
                    source: .session)))
        app.press(KeyEvent(.function(10)))
        let screen = app.screen().text
        #expect(screen.contains("sk-ant-…wxyz entered in this session"), "\(screen)")
        #expect(!screen.contains("from entered"))
    }
}
