import ChatCore
import TerminalUI
import Testing

@testable import ChatUI

/// The fuzzy matcher the palette filters with.
@Suite struct FuzzyMatchTests {
    @Test func aSubsequenceMatchesInAnyCaseAndOtherwiseNothing() {
        #expect(FuzzyMatch.score("NEW", in: "new conversation") != nil)
        #expect(FuzzyMatch.score("nwcnv", in: "New Conversation") != nil)
        #expect(FuzzyMatch.score("new conv", in: "new conversation") != nil)
        #expect(FuzzyMatch.score("wen", in: "new") == nil)
        #expect(FuzzyMatch.score("xyz", in: "new conversation") == nil)
        #expect(FuzzyMatch.score("newer", in: "new") == nil)
        #expect(FuzzyMatch.score("", in: "anything") == 0)
        #expect(FuzzyMatch.score("a", in: "") == nil)
    }

    @Test func theBestPlacementCountsNotTheFirst() {
        // "c" and "o" first match scattered, with a break; the word "co" later is a run from a word start.
        #expect(FuzzyMatch.score("co", in: "xcxo co") == 2 * (FuzzyMatch.letter + FuzzyMatch.wordStart))
        #expect(FuzzyMatch.score("co", in: "xcxo") == 2 * FuzzyMatch.letter - FuzzyMatch.gap)
        #expect(FuzzyMatch.score("co", in: "xco") == 2 * FuzzyMatch.letter + FuzzyMatch.consecutive)
    }

    @Test func wordStartsAndConsecutiveLettersRankFirst() {
        #expect(FuzzyMatch.filter(["xnxcx", "new conversation"], query: "nc") { $0 } == ["new conversation", "xnxcx"])
        #expect(FuzzyMatch.filter(["axtxhxexm", "axthem"], query: "them") { $0 } == ["axthem", "axtxhxexm"])
        #expect(FuzzyMatch.filter(["redraw", "theme", "other"], query: "the") { $0 } == ["theme", "other"])
        // The first word counts most: help texts start with what the command does.
        #expect(
            FuzzyMatch.filter(["find (↓ newer)", "new conversation"], query: "new") { $0 }.first == "new conversation")
    }

    @Test func aWholeWordBeatsLettersSpreadOverWords() {
        let texts = ["send the last message again", "choose the colour theme"]
        #expect(FuzzyMatch.filter(texts, query: "theme") { $0 }.first == "choose the colour theme")
    }

    @Test func tiesKeepTheirOrder() {
        #expect(
            FuzzyMatch.filter(["new two", "new one", "a new"], query: "new") { $0 } == ["new two", "new one", "a new"])
        #expect(FuzzyMatch.filter(["b", "a", "c"], query: "") { $0 } == ["b", "a", "c"])
    }
}

/// Ctrl+P: the command palette over the chat screen.
@Suite struct CommandPaletteTests {
    static let ctrlP = KeyEvent(.character("p"), .control)

    /// An app with a draft in the composer and the palette open.
    static func openPalette(width: Int = 100, height: Int = 30) -> ChatApp {
        var app = makeApp(width: width, height: height)
        app.type("my draft")
        app.press(ctrlP)
        return app
    }

    @Test func ctrlPOpensItAndItListsEveryNamedCommandOnceInKeymapOrder() throws {
        let app = Self.openPalette()
        let palette = try #require(app.top(CommandPaletteLayer.self))
        let listed = palette.matches.map(\.command)
        #expect(Set(listed).count == listed.count, "a command is listed twice")
        #expect(Set(listed) == Set(ChatCommand.allCases.filter(\.isNamed)))
        for command: ChatCommand in [.send, .newline, .edit, .selectNext, .openSelected, .palette] {
            #expect(!listed.contains(command), "\(command) is in the palette")
        }
        for command: ChatCommand in [.newConversation, .themePicker, .keyDialog, .help, .searchAll, .quit] {
            #expect(listed.contains(command), "\(command) is not in the palette")
        }
        let order = listed.map { command in
            Keymap.entries.firstIndex { $0.bindings.contains { $0.command == command } }!
        }
        #expect(order == order.sorted())
        // Each item's key is one of its command's keys in the table.
        for item in palette.matches {
            #expect(item.entry.bindings.contains { $0.command == item.command && $0.chord.event == item.key })
        }
    }

    @Test func everyCommandIsOnScreenWithItsKeys() {
        var app = Self.openPalette(width: 120, height: Keymap.paletteItems.count + 10)
        let text = app.screen().text
        for item in Keymap.paletteItems {
            #expect(text.contains(item.entry.help), "\(item.entry.help) not shown")
            #expect(text.contains(item.entry.keys), "\(item.entry.keys) not shown")
        }
    }

    @Test func typingFiltersAndNothingMatchingSaysSo() throws {
        var app = Self.openPalette()
        app.type("theme")
        let palette = try #require(app.top(CommandPaletteLayer.self))
        #expect(palette.matches.first?.command == .themePicker)
        #expect(palette.matches.count < Keymap.paletteItems.count)
        let text = app.screen().text
        #expect(text.contains("choose the colour theme"))
        #expect(!text.contains("redraw the screen"))
        app.type("zzq")
        #expect(app.top(CommandPaletteLayer.self)?.matches.isEmpty == true)
        #expect(app.screen().text.contains("No command matches."))
        #expect(app.press(KeyEvent(.enter)).isEmpty)
        #expect(app.top(CommandPaletteLayer.self) != nil)
        for _ in 0..<3 { app.press(KeyEvent(.backspace)) }
        #expect(app.top(CommandPaletteLayer.self)?.matches.first?.command == .themePicker)
        #expect(app.ui.composer.text == "my draft")
    }

    @Test func enterRunsTheChosenCommandAsItsKeyWould() throws {
        var app = Self.openPalette()
        app.themes = ThemeScreenTests.catalog
        app.type("theme")
        let output = app.handle(.key(KeyEvent(.enter)))
        #expect(output.ui == [.listThemes])
        UIEffectRunner().run(output.ui, on: &app)
        #expect(app.top(ThemePickerLayer.self) != nil)
        #expect(!app.ui.layers.contains { $0 is CommandPaletteLayer })
        #expect(app.ui.composer.text == "my draft")
    }

    @Test func newStartsANewConversation() throws {
        var app = makeApp()
        app.type("hello")
        let request = try #require(sentRequest(app.press(KeyEvent(.enter))))
        _ = app.apply(.conversationCreated(conversation(1, "First")))
        app.stream(turn: request.turn, ["hi"])
        #expect(app.chat.conversation != nil)
        app.press(Self.ctrlP)
        app.type("new")
        #expect(app.top(CommandPaletteLayer.self)?.matches.first?.command == .newConversation)
        app.press(KeyEvent(.enter))
        #expect(app.ui.layers.isEmpty)
        #expect(app.chat.conversation == nil && app.chat.transcript.isEmpty)
    }

    @Test func arrowsChooseAndEnterRunsTheChosenOne() throws {
        var app = Self.openPalette()
        app.press(KeyEvent(.up))
        app.press(KeyEvent(.down))
        app.press(KeyEvent(.down))
        let palette = try #require(app.top(CommandPaletteLayer.self))
        #expect(palette.list.selected == 2)
        #expect(palette.matches[2].command == .find)
        app.press(KeyEvent(.enter))
        // Find opens with a draft in the composer, where its "/" key would have been typed.
        #expect(app.ui.search != nil && app.top(TranscriptSearchLayer.self) != nil)
        #expect(app.ui.composer.text == "my draft")
    }

    @Test func escAndCtrlPCloseWithTheDraftUnchanged() {
        for close in [KeyEvent(.escape), Self.ctrlP] {
            var app = makeApp()
            app.type("a draft\nwith two lines")
            _ = app.ui.composer.handle(KeyEvent(.left), width: 80)
            let composer = app.ui.composer
            let draft = app.chat.draft
            app.press(Self.ctrlP)
            app.type("new")
            _ = app.handle(.paste("pasted\ntext"))
            app.press(KeyEvent(.backspace))
            app.press(close)
            #expect(app.ui.layers.isEmpty)
            #expect(app.ui.composer == composer)
            #expect(app.chat.draft == draft)
        }
    }

    @Test func snapshots() {
        var app = Self.openPalette()
        assertSnapshot(app.screen().textWithCursor, named: "palette-100x30")
        var small = Self.openPalette(width: 40, height: 12)
        assertSnapshot(small.screen().textWithCursor, named: "palette-40x12")
        for _ in 0..<Keymap.paletteItems.count { small.press(KeyEvent(.down)) }
        let scrolled = small.screen().text
        #expect(scrolled.contains(Keymap.paletteItems.last!.entry.help.prefix(10)))
        assertSnapshot(scrolled, named: "palette-40x12-last")
        small.type("con")
        assertSnapshot(small.screen().textWithCursor, named: "palette-40x12-filtered")
    }
}
