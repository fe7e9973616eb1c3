import AnthropicAPI
import ChatCore
import Foundation
import TerminalUI
import Testing

@testable import ChatUI

/// The loop and termination signals: a signal is a quit event merged into the loop, and the
/// draft, including keys typed just before it, is saved before the loop returns.
@Suite struct ChatLoopSignalTests {
    /// A loop over an in-memory terminal and a runtime without a store (drafts go to a file).
    struct Rig {
        let directory = NSTemporaryDirectory() + "palaver-loop-\(UUID().uuidString)"
        let backend = MemoryBackend(width: 100, height: 30)
        let inbox = Inbox()
        let runtime: ChatRuntime

        init() {
            let paths = Paths(environment: ["HOME": directory, "XDG_STATE_HOME": directory + "/state"])
            runtime = ChatRuntime(
                store: nil, paths: paths,
                configuration: ClientConfiguration(baseURL: "http://127.0.0.1:1", credential: nil),
                emit: inbox.post)
        }

        var loop: ChatLoop { ChatLoop(backend: backend, runtime: runtime, inbox: inbox) }

        func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func aSignalQuitsTheLoopAndSavesTheDraftWithTheKeysTypedJustBefore() throws {
        let rig = Rig()
        defer { rig.cleanUp() }
        var app = makeApp()
        // Typed, not yet read by the loop, when SIGTERM arrives; Enter must not send it.
        rig.backend.inject("a draft typed at the last moment".map { .key(.char($0)) })
        rig.backend.inject(.key(KeyEvent(.enter)), .paste(" and pasted"))
        rig.inbox.postQuit(signal: SIGTERM)
        let signal = try rig.loop.run(&app, resume: nil)
        #expect(signal == SIGTERM)
        #expect(rig.runtime.newConversationDraft() == "a draft typed at the last moment and pasted")
        #expect(app.chat.transcript.isEmpty)
        #expect(!rig.backend.isEntered) // the terminal was given back
    }

    @Test func typeaheadNeverReachesADialog() throws {
        let rig = Rig()
        defer { rig.cleanUp() }
        var app = makeApp(chat: makeChat(key: KeyStatus(health: .missing, masked: nil, source: nil)))
        app.type("kept") // then the loop starts: no key, so the first-run dialog opens
        rig.backend.inject("sk-ant-secret".map { .key(.char($0)) })
        rig.inbox.postQuit(signal: SIGHUP)
        #expect(try rig.loop.run(&app, resume: nil) == SIGHUP)
        #expect(app.ui.keyField.isEmpty && app.ui.composer.text == "kept")
        #expect(rig.runtime.newConversationDraft() == "kept")
    }

    @Test func onlyTheFirstSignalCounts() {
        let inbox = Inbox()
        inbox.postQuit(signal: SIGHUP)
        inbox.postQuit(signal: SIGTERM)
        #expect(inbox.receivedQuitSignal == SIGHUP)
    }
}
