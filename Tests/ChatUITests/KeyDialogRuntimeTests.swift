import ChatCore
import FakeAnthropic
import Foundation
import TerminalUI
import TestSupport
import Testing

@testable import ChatUI

extension ChatRuntimeTests {
    /// Issue 13, item 6: pasting the key the API has just rejected is caught by its remembered
    /// fingerprint; nothing is sent with it again.
    @Test func theKeyJustRejectedIsCaughtByItsFingerprintAndNotSentAgain() async throws {
        try await FakeServerHarness.with { fake in
            let rig = try Rig(fake: fake)
            try await rig.sendWithTheKeyRevoked("Hello?", fake: fake)
            rig.runtime.perform(rig.app.press(KeyEvent(.enter)))
            #expect(rig.app.chat.keyPrompt != nil)
            let requestsBefore = fake.state.requests().count
            _ = rig.app.handle(.paste(FakeServerHarness.defaultKey))
            rig.runtime.perform(rig.app.press(KeyEvent(.enter)))
            try await rig.pump {
                if case .failed? = $0.chat.keyPrompt?.phase { return true }
                return false
            }
            #expect(rig.app.screen().text.contains("did not send it again"))
            #expect(fake.state.requests().count == requestsBefore, "the rejected key went to the API again")
        }
    }
}
