import AnthropicAPI
import ChatCore
import Foundation
import SessionStore
import TerminalUI
import Testing

@testable import ChatUI

/// The keymap table itself: every binding of every entry is pressed on an app and does what its
/// command says; every binding is reachable (no earlier one shadows it); the help lists every entry.
@Suite struct KeymapTableTests {
    /// An app with a conversation long enough to scroll (a reply with a code block last), three
    /// conversations in the sidebar, the first one open, and the composer ready for `context`.
    static func app(for binding: KeyBinding) throws -> ChatApp {
        var app = makeApp(width: 120, height: 30)
        for i in 1...4 {
            app.type("question \(i)")
            let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
            if i == 1 { _ = app.apply(.conversationCreated(conversation(1, "First"))) }
            app.stream(turn: request.turn, ["answer \(i)\n\nmore\n\nmore\n\nmore\n\n```swift\nlet x = \(i)\n```\n"])
        }
        _ = app.apply(
            .conversationsLoaded(
                [conversation(1, "First"), conversation(2, "Second"), conversation(3, "Third")], total: 3))
        switch binding.context {
        case .everywhere, .composer:
            // Three lines, the caret inside the middle one: every editing key changes something.
            app.ui.composer.text = "first line\nsecond line here\nthird line"
            app.ui.composer.moveToEnd()
            _ = app.ui.composer.handle(KeyEvent(.up), width: 80)
            for _ in 0..<4 { _ = app.ui.composer.handle(KeyEvent(.left), width: 80) }
        case .emptyComposer:
            break
        case .sidebar:
            app.press(KeyEvent(.tab))
            app.ui.sidebarList.selected = 1
        }
        switch binding.command {
        case .escape, .interrupt:
            _ = try #require(streamingRequest(&app))
        case .retry:
            let request = try #require(streamingRequest(&app))
            _ = app.apply(.turn(request.turn, .failed(APIError(kind: .apiError, httpStatus: 500, message: "boom"))))
        case .pageDown, .lineDown, .scrollToBottom:
            app.ui.scroll = ScrollState(offset: 0, followsBottom: false)
        case .regenerateLast:
            // The last prompt was stored (a regenerate asks again for a stored prompt).
            let prompt = try #require(app.chat.transcript.last { $0.role == .user })
            _ = app.apply(.promptStored(turn: prompt.id, MessageID(7)))
        case .undo:
            app.type("more ")
        case .redo:
            app.type("more ")
            app.ui.composer.undo()
        default:
            break
        }
        return app
    }

    /// Sends a prompt from a fresh composer and leaves its reply streaming.
    static func streamingRequest(_ app: inout ChatApp) -> TurnRequest? {
        let composer = app.ui.composer
        app.ui.composer = TextEditor()
        app.type("one more")
        let request = sentRequest(app.press(KeyEvent(.enter)))
        app.ui.composer = composer
        if let request { _ = app.apply(.turn(request.turn, .started(requestID: nil))) }
        return request
    }

    static let allBindings: [KeyBinding] = Keymap.bindings

    @Test(arguments: allBindings)
    func everyBindingDoesWhatItsCommandSays(_ binding: KeyBinding) throws {
        var app = try Self.app(for: binding)
        let before = app
        let key = binding.chord.event
        let reached = Keymap.binding(for: key, focus: app.ui.focus, composerEmpty: app.ui.composer.isEmpty)
        #expect(reached == binding, "\(key) reaches \(String(describing: reached)), not its own binding")
        let output = app.handle(.key(key))
        let note = Comment(rawValue: "\(key) → \(binding.command)")
        switch binding.command {
        case .send:
            #expect(sentRequest(output.chat)?.prompt == before.ui.composer.text, note)
            #expect(app.ui.composer.isEmpty, note)
        case .newline:
            #expect(app.ui.composer.text.filter { $0 == "\n" }.count == 3, note)
        case .edit:
            #expect(app.ui.composer != before.ui.composer, note)
            #expect(output == ChatApp.Output(), note)
        case .undo:
            #expect(app.ui.composer.text == "first line\nsecond line here\nthird line", note)
            #expect(app.chat.draft == app.ui.composer.text, note)
        case .redo:
            #expect(app.ui.composer.text == "first line\nsecondmore  line here\nthird line", note)
        case .clearDraft:
            #expect(app.ui.composer.isEmpty && app.ui.composer.canUndo, note)
            #expect(app.chat.draft.isEmpty, note)
        case .prefixCtrlX:
            #expect(app.top(PrefixLayer.self) != nil, note)
            #expect(app.ui.composer == before.ui.composer, note)
        case .editInEditor:
            #expect(output.ui == [.editDraft], note)
            guard case .saveDraft(let save)? = output.chat.first else {
                Issue.record("the draft is not saved before the editor runs: \(output)")
                return
            }
            #expect(save.text == before.ui.composer.text, note)
        case .pageUp, .lineUp:
            #expect(!app.ui.scroll.followsBottom, note)
        case .pageDown, .lineDown:
            #expect(app.ui.scroll.offset > 0, note)
        case .scrollToTop:
            #expect(app.ui.scroll.offset == 0 && !app.ui.scroll.followsBottom, note)
        case .scrollToBottom:
            #expect(app.ui.scroll.followsBottom, note)
        case .escape, .interrupt:
            guard case .cancelTurn? = output.chat.first else {
                Issue.record("no cancel: \(output)")
                return
            }
            #expect(app.chat.turn?.cancelling == true, note)
        case .retry:
            #expect(sentRequest(output.chat)?.prompt == "one more", note)
        case .selectMessage:
            #expect(app.top(MessageSelectLayer.self) != nil, note)
            #expect(app.ui.composer == before.ui.composer, note)
        case .regenerateLast:
            let request = try #require(sentRequest(output.chat), note)
            #expect(request.regenerate && request.resendStored == MessageID(7), note)
        case .find:
            #expect(app.ui.search != nil, note)
        case .copyLastReply:
            guard case .writeToTerminal? = output.ui.first else {
                Issue.record("no clipboard write: \(output)")
                return
            }
            #expect(app.chat.notice?.text.contains("Copied the last reply") == true, note)
        case .copyPicker:
            #expect(app.top(CopyPickerLayer.self)?.items.isEmpty == false, note)
        case .export:
            #expect(app.top(ExportChoiceLayer.self) != nil, note)
        case .newConversation:
            #expect(app.chat.conversation == nil && app.chat.transcript.isEmpty, note)
            #expect(app.ui.focus == .composer, note)
        case .toggleSidebar:
            #expect(app.showsSidebar != before.showsSidebar, note)
        case .switchFocus:
            #expect(app.ui.focus == .sidebar, note)
        case .openSelected:
            guard case .openConversation(ConversationID(2), _)? = output.chat.first else {
                Issue.record("not opened: \(output)")
                return
            }
        case .selectPrevious:
            #expect(app.ui.sidebarList.selected == 0, note)
        case .selectNext, .selectLast:
            #expect(app.ui.sidebarList.selected == 2, note)
        case .selectFirst:
            #expect(app.ui.sidebarList.selected == 0, note)
        case .renameOpen:
            #expect(app.top(RenameLayer.self)?.id == ConversationID(1), note)
        case .renameSelected:
            #expect(app.top(RenameLayer.self)?.id == ConversationID(2), note)
        case .deleteOpen:
            #expect(app.top(ConfirmDeleteLayer.self)?.id == ConversationID(1), note)
        case .deleteSelected:
            #expect(app.top(ConfirmDeleteLayer.self)?.id == ConversationID(2), note)
        case .searchAll:
            #expect(app.top(SearchAllLayer.self) != nil, note)
        case .modelPicker:
            #expect(app.top(ModelPickerLayer.self) != nil, note)
        case .systemPrompt:
            #expect(app.top(SystemPromptLayer.self) != nil, note)
        case .help:
            #expect(app.top(HelpLayer.self) != nil, note)
            #expect(app.screen().text.contains("Keys"), note)
        case .palette:
            #expect(app.top(CommandPaletteLayer.self) != nil, note)
            #expect(app.ui.composer == before.ui.composer, note)
        case .themePicker:
            #expect(output.ui == [.listThemes], note)
        case .keyDialog:
            #expect(app.chat.keyPrompt != nil && app.top(KeyDialogLayer.self) != nil, note)
        case .keyManager:
            #expect(app.chat.keyManager != nil && app.top(KeyManagerLayer.self) != nil, note)
            #expect(output.chat == [.listKeySources], note)
            #expect(app.ui.composer == before.ui.composer, note)
        case .noticeLog:
            #expect(app.top(NoticeLogLayer.self) != nil, note)
            #expect(app.ui.composer == before.ui.composer, note)
        case .redraw:
            #expect(output.ui == [.redraw], note)
        case .quit:
            #expect(output.ui == [.quit], note)
        }
    }

    @Test func everyCommandHasABinding() {
        let bound = Set(Keymap.bindings.map(\.command))
        for command in ChatCommand.allCases {
            #expect(bound.contains(command), "\(command) has no key")
        }
    }

    @Test func theHelpListsEveryEntryOnce() {
        let text = HelpLayer.lines(width: 200, theme: Theme()).map(\.plainText)
        for entry in Keymap.entries {
            let rows = text.filter { $0.hasPrefix(entry.keys + " ") && $0.hasSuffix(entry.help) }
            #expect(rows.count == 1, "help lists \(entry.keys) \(rows.count) times")
        }
        for section in KeymapEntry.Section.allCases {
            #expect(text.contains(section.rawValue))
        }
    }

    @Test func pasteAndTheMouseWheelDoWhatTheirEntriesSay() throws {
        var app = try Self.app(for: KeyBinding(KeyChord(.enter), .send, in: .emptyComposer))
        _ = app.handle(.paste("pasted"))
        #expect(app.ui.composer.text == "pasted")
        _ = app.handle(.mouse(MouseEvent(.scrollUp, x: 60, y: 3)))
        #expect(!app.ui.scroll.followsBottom)
    }
}
