import ChatCore
import Foundation
import SessionStore
import TerminalUI

/// The keymap: input → UI changes and chat actions. The help screen lists the same bindings
/// (``KeyBindings``).
extension ChatApp {
    /// Handles one input event; returns the effects to run.
    public mutating func handle(_ event: InputEvent) -> [ChatEffect] {
        switch event {
        case .resize(let size):
            ui.size = size
            return []
        case .mouse(let mouse):
            return handleMouse(mouse)
        case .paste(let text):
            if chat.keyPrompt != nil {
                ui.keyField.insert(text.filter { !$0.isNewline })
                return []
            }
            return handlePaste(text)
        case .key(let key):
            if chat.keyPrompt != nil { return handleKeyPrompt(key) }
            if let overlay = ui.overlays.last { return handleOverlay(key, overlay) }
            if ui.search != nil, let effects = handleSearch(key) { return effects }
            if let effects = handleGlobal(key) { return effects }
            switch ui.focus {
            case .sidebar: return handleSidebar(key)
            case .composer: return handleComposer(key)
            }
        }
    }

    /// Input read while quitting on a signal: edits to the composer count (they are saved
    /// with the draft); nothing is sent and no dialog opens.
    public mutating func takeTypeahead(_ event: InputEvent) {
        guard chat.keyPrompt == nil, ui.overlays.isEmpty, ui.search == nil, ui.focus == .composer else { return }
        switch event {
        case .paste(let text):
            guard text.count <= UIState.largePasteCharacters else { return }
            insertIntoComposer(text)
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.enter, []): return
            case (.enter, .alt), (.character("j"), .control): ui.composer.insertNewline()
            case (.character, []), (.character, .shift), (.backspace, _), (.delete, _), (.left, _), (.right, _),
                 (.home, _), (.end, _), (.character, .alt), (.character("a"), .control), (.character("e"), .control),
                 (.character("u"), .control), (.character("k"), .control), (.character("w"), .control):
                guard case .handled = ui.composer.handle(key, width: composerWidth) else { return }
            default:
                return
            }
            composerChanged()
        case .resize, .mouse:
            return
        }
    }

    // MARK: The key dialog

    private mutating func handleKeyPrompt(_ key: KeyEvent) -> [ChatEffect] {
        guard let prompt = chat.keyPrompt else { return [] }
        switch (key.key, key.modifiers) {
        case (.character("q"), .control):
            ui.quitRequested = true
            return []
        case (.escape, _):
            ui.keyField.clear()
            return send(.closeKeyPrompt)
        default:
            break
        }
        if prompt.phase == .verified {
            switch key {
            case .char("s"), .char("S"), KeyEvent(.enter):
                ui.keyField.clear()
                return send(.keepKey(save: true))
            case .char("o"), .char("O"):
                ui.keyField.clear()
                return send(.keepKey(save: false))
            default:
                return []
            }
        }
        if key == KeyEvent(.enter) {
            return send(.submitKey(ui.keyField.text))
        }
        guard prompt.phase != .verifying else { return [] }
        if case .handled = ui.keyField.handle(key, width: 60), case .failed = prompt.phase {
            chat.keyPrompt?.phase = .editing
        }
        return []
    }

    // MARK: Search in the conversation

    /// Keys while the search field is open; nil lets the global bindings have the key.
    private mutating func handleSearch(_ key: KeyEvent) -> [ChatEffect]? {
        guard var search = ui.search else { return nil }
        switch (key.key, key.modifiers) {
        case (.escape, _):
            ui.search = nil
        case (.enter, []), (.up, []):
            stepSearch(-1)
        case (.down, []):
            stepSearch(1)
        case (.character("q"), .control), (.character("c"), .control), (.function, _), (.pageUp, _), (.pageDown, _):
            return nil
        default:
            guard case .handled = search.editor.handle(key, width: 200) else { return [] }
            ui.search = search
            updateSearch()
        }
        return []
    }

    // MARK: Everywhere

    private mutating func handleGlobal(_ key: KeyEvent) -> [ChatEffect]? {
        switch (key.key, key.modifiers) {
        case (.character("q"), .control):
            if chat.isStreaming { ui.overlays.append(.confirmQuit) } else { ui.quitRequested = true }
        case (.character("c"), .control):
            if chat.isStreaming { return chat.update(.cancel) }
            ui.quitRequested = true
        case (.function(1), _):
            ui.overlays.append(.help(offset: 0))
        case (.character("n"), .control):
            ui.focus = .composer
            ui.scroll = ScrollState()
            return send(.newConversation)
        case (.character("b"), .control):
            ui.sidebarChoice = !showsSidebar
            if !showsSidebar { ui.focus = .composer }
        case (.tab, []):
            if ui.focus == .sidebar {
                ui.focus = .composer
            } else {
                if !showsSidebar { ui.sidebarChoice = true }
                focusSidebar()
            }
        case (.function(2), _):
            guard let conversation = chat.conversation else {
                chat.show("Send a first message to create the conversation, then rename it.", error: false)
                return []
            }
            openRename(conversation)
        case (.function(3), _), (.character("o"), .control):
            let choices = Self.modelChoices(chat)
            ui.overlays.append(.modelPicker(ListState(selected: choices.firstIndex(of: chat.model) ?? 0)))
        case (.function(4), _), (.character("g"), .control):
            var editor = TextEditor(text: chat.systemPrompt ?? "", placeholder: "How Claude should behave in this conversation")
            editor.moveToEnd()
            ui.overlays.append(.systemPrompt(editor))
        case (.function(6), _):
            guard let themes else { return [] }
            let names = themes.names()
            ui.overlays.append(.themePicker(ListState(selected: names.firstIndex(of: themeName) ?? 0), names: names))
        case (.character("f"), .control):
            ui.search = TranscriptSearch()
        case (.character("y"), .control):
            copyLastReply()
        case (.function(7), _):
            let items = copyItems()
            guard !items.isEmpty else { chat.show("There is nothing to copy yet.", error: false); return [] }
            ui.overlays.append(.copyPicker(ListState(selected: 0), items: items))
        case (.function(9), _):
            guard chat.conversation != nil else { return export(.markdown) }
            ui.overlays.append(.exportChoice)
        case (.function(5), _):
            ui.overlays.append(.searchAll(TextEditor(placeholder: "words to find in every conversation"), hits: [], list: ListState(), searched: ""))
        case (.function(8), _):
            guard let conversation = chat.conversation else { return [] }
            ui.overlays.append(.confirmDelete(conversation.id, title: conversation.title))
        case (.function(10), _), (.character("k"), .alt):
            return send(.openKeyPrompt)
        case (.character("r"), .control):
            ui.scroll.scrollToBottom()
            return send(.retryLast)
        case (.character("l"), .control):
            ui.redrawRequested = true
        case (.escape, []):
            if chat.isStreaming { return chat.update(.cancel) }
            if ui.focus == .sidebar { ui.focus = .composer }
        case (.pageUp, _):
            let m = metrics
            ui.scroll.pageUp(contentHeight: m.content, viewportHeight: m.viewport)
            return loadEarlierIfAtTop()
        case (.pageDown, _):
            let m = metrics
            ui.scroll.pageDown(contentHeight: m.content, viewportHeight: m.viewport)
        case (.home, .control):
            let m = metrics
            ui.scroll.scrollToTop(contentHeight: m.content, viewportHeight: m.viewport)
            return loadEarlierIfAtTop()
        case (.end, .control):
            ui.scroll.scrollToBottom()
        case (.up, .alt):
            return scrollTranscript(by: -1)
        case (.down, .alt):
            return scrollTranscript(by: 1)
        default:
            return nil
        }
        return []
    }

    // MARK: Composer

    private mutating func handleComposer(_ key: KeyEvent) -> [ChatEffect] {
        switch (key.key, key.modifiers) {
        case (.enter, []):
            chat.draft = ui.composer.text
            let effects = chat.update(.send(ui.composer.text))
            syncDraft()
            if !effects.isEmpty { ui.scroll.scrollToBottom() }
            return effects
        case (.enter, .alt), (.character("j"), .control):
            ui.composer.insertNewline()
        case (.character("?"), []) where ui.composer.isEmpty:
            ui.overlays.append(.help(offset: 0))
            return []
        case (.character("/"), []) where ui.composer.isEmpty:
            ui.search = TranscriptSearch()
            return []
        case (.home, []) where ui.composer.isEmpty:
            let m = metrics
            ui.scroll.scrollToTop(contentHeight: m.content, viewportHeight: m.viewport)
            return loadEarlierIfAtTop()
        case (.end, []) where ui.composer.isEmpty:
            ui.scroll.scrollToBottom()
            return []
        default:
            switch ui.composer.handle(key, width: composerWidth) {
            case .handled: break
            case .notHandled: return []
            case .atTop: recall(-1)
            case .atBottom: recall(1)
            }
        }
        composerChanged()
        return []
    }

    /// Steps through earlier prompts of this conversation: -1 older, +1 newer.
    private mutating func recall(_ step: Int) {
        var prompts: [String] = []
        for entry in chat.transcript where entry.role == .user && prompts.last != entry.text { prompts.append(entry.text) }
        guard !prompts.isEmpty else { return }
        let current = ui.recall?.index ?? prompts.count
        let next = current + step
        if next >= prompts.count {
            guard let stash = ui.recall?.stash else { return }
            ui.composer.text = stash
            ui.composer.moveToEnd()
            ui.recall = nil
            return
        }
        guard next >= 0 else { return }
        let stash = ui.recall?.stash ?? ui.composer.text
        ui.composer.text = prompts[next]
        if step < 0 { ui.composer.moveToStart() } else { ui.composer.moveToEnd() }
        ui.recall = (next, stash)
    }

    private mutating func composerChanged() {
        chat.draft = ui.composer.text
        ui.draftDirty = true
    }

    // MARK: Sidebar

    private mutating func focusSidebar() {
        ui.focus = .sidebar
        if let id = chat.conversation?.id, let i = chat.conversations.firstIndex(where: { $0.id == id }) {
            ui.sidebarList.selected = i
        } else if ui.sidebarList.selected == nil || (ui.sidebarList.selected ?? 0) >= chat.conversations.count {
            ui.sidebarList.selected = chat.conversations.isEmpty ? nil : 0
        }
    }

    private var selectedConversation: Conversation? {
        guard let i = ui.sidebarList.selected, chat.conversations.indices.contains(i) else { return nil }
        return chat.conversations[i]
    }

    private mutating func handleSidebar(_ key: KeyEvent) -> [ChatEffect] {
        let count = chat.conversations.count
        switch (key.key, key.modifiers) {
        case (.up, []): ui.sidebarList.selectPrevious(count: count)
        case (.down, []): ui.sidebarList.selectNext(count: count)
        case (.home, _): ui.sidebarList.selected = count > 0 ? 0 : nil
        case (.end, _): ui.sidebarList.selected = count > 0 ? count - 1 : nil
        case (.enter, []):
            guard let conversation = selectedConversation else { return [] }
            ui.focus = .composer
            return open(conversation.id)
        case (.character("r"), []):
            if let conversation = selectedConversation { openRename(conversation) }
        case (.delete, _), (.character("d"), []):
            if let conversation = selectedConversation {
                ui.overlays.append(.confirmDelete(conversation.id, title: conversation.title))
            }
        case (.character("n"), []):
            ui.focus = .composer
            return send(.newConversation)
        default:
            break
        }
        return []
    }

    private mutating func open(_ id: ConversationID) -> [ChatEffect] {
        chat.draft = ui.composer.text
        ui.draftDirty = false
        let effects = chat.update(.open(id))
        if !effects.isEmpty { ui.scroll = ScrollState() }
        return effects
    }

    private mutating func openRename(_ conversation: Conversation) {
        var editor = TextEditor(text: conversation.title)
        editor.moveToEnd()
        ui.overlays.append(.rename(conversation.id, editor))
    }

    // MARK: Dialogs

    private mutating func handleOverlay(_ key: KeyEvent, _ overlay: Overlay) -> [ChatEffect] {
        let close = { (app: inout ChatApp) in _ = app.ui.overlays.popLast() }
        let yes = key == .char("y") || key == .char("Y")
        let no = key == .char("n") || key == .char("N") || key == KeyEvent(.escape)
        switch overlay {
        case .help(let offset):
            switch key.key {
            case .pageDown, .down: replaceTop(.help(offset: offset + (key.key == .down ? 1 : max(1, ui.size.height - 6))))
            case .pageUp, .up: replaceTop(.help(offset: max(0, offset - (key.key == .up ? 1 : max(1, ui.size.height - 6)))))
            default: close(&self)
            }
        case .confirmQuit:
            if yes || key == KeyEvent(.enter) || key == .ctrl("q") { close(&self); ui.quitRequested = true } else if no { close(&self) }
        case .confirmDelete(let id, _):
            if yes { close(&self); return send(.delete(id)) } else if no { close(&self) }
        case .confirmPaste(let text):
            if yes || key == KeyEvent(.enter) {
                close(&self)
                insertIntoComposer(text)
            } else if no { close(&self) }
        case .rename(let id, var editor):
            switch (key.key, key.modifiers) {
            case (.escape, _): close(&self)
            case (.enter, []):
                close(&self)
                return send(.rename(id, editor.text))
            default:
                _ = editor.handle(key, width: 60)
                replaceTop(.rename(id, editor))
            }
        case .systemPrompt(var editor):
            switch (key.key, key.modifiers) {
            case (.escape, _): close(&self)
            case (.enter, []):
                close(&self)
                return send(.setSystemPrompt(editor.text))
            case (.enter, .alt), (.character("j"), .control):
                editor.insertNewline()
                replaceTop(.systemPrompt(editor))
            default:
                _ = editor.handle(key, width: 60)
                replaceTop(.systemPrompt(editor))
            }
        case .modelPicker(let list):
            let choices = Self.modelChoices(chat)
            if let i = pick(key, list, count: choices.count, rebuild: { .modelPicker($0) }) { return send(.setModel(choices[i])) }
        case .copyPicker(let list, let items):
            if let i = pick(key, list, count: items.count, rebuild: { .copyPicker($0, items: items) }) { copy(items[i].text, what: items[i].what) }
        case .exportChoice:
            switch key {
            case .char("m"), .char("M"), KeyEvent(.enter): close(&self); return export(.markdown)
            case .char("j"), .char("J"): close(&self); return export(.json)
            case KeyEvent(.escape): close(&self)
            default: break
            }
        case .searchAll(var editor, let hits, var list, let searched):
            switch (key.key, key.modifiers) {
            case (.escape, _): close(&self)
            case (.up, []): list.selectPrevious(count: hits.count); replaceTop(.searchAll(editor, hits: hits, list: list, searched: searched))
            case (.down, []): list.selectNext(count: hits.count); replaceTop(.searchAll(editor, hits: hits, list: list, searched: searched))
            case (.enter, []):
                let query = editor.text.trimmingCharacters(in: .whitespaces)
                if query != searched {
                    replaceTop(.searchAll(editor, hits: hits, list: list, searched: query))
                    return query.isEmpty ? [] : [.searchAll(query)]
                }
                guard let i = list.selected, hits.indices.contains(i) else { return [] }
                close(&self)
                let hit = hits[i]
                ui.focus = .composer
                if hit.conversationID == chat.conversation?.id {
                    var search = TranscriptSearch()
                    search.editor.text = query
                    ui.search = search
                    updateSearch()
                    return []
                }
                ui.pendingJump = (query, hit.messageID)
                return open(hit.conversationID)
            default:
                _ = editor.handle(key, width: 60)
                replaceTop(.searchAll(editor, hits: hits, list: list, searched: searched))
            }
        case .themePicker(let list, let names):
            if let i = pick(key, list, count: names.count, rebuild: { .themePicker($0, names: names) }) { useTheme(names[i]) }
        }
        return []
    }

    /// Switches to the named theme (a broken file falls back to the default, with the reason).
    mutating func useTheme(_ name: String) {
        guard let themes else { return }
        let loaded = themes.load(name: name)
        theme = loaded.theme
        themeName = loaded.name
        if loaded.warnings.isEmpty {
            chat.show("Theme: \(loaded.name) (set theme = \"\(loaded.name)\" in config.toml to keep it).", error: false)
        } else {
            chat.show(loaded.warnings.joined(separator: " "), error: true, seconds: 15)
        }
    }

    /// A picker's keys: ↑/↓ move, Esc closes, Enter closes and gives the chosen index.
    private mutating func pick(_ key: KeyEvent, _ list: ListState, count: Int, rebuild: (ListState) -> Overlay) -> Int? {
        var list = list
        switch key.key {
        case .escape:
            ui.overlays.removeLast()
        case .up:
            list.selectPrevious(count: count)
            replaceTop(rebuild(list))
        case .down:
            list.selectNext(count: count)
            replaceTop(rebuild(list))
        case .enter:
            ui.overlays.removeLast()
            if let i = list.selected, (0..<count).contains(i) { return i }
        default:
            break
        }
        return nil
    }

    private mutating func replaceTop(_ overlay: Overlay) {
        guard !ui.overlays.isEmpty else { return }
        ui.overlays[ui.overlays.count - 1] = overlay
    }

    // MARK: Paste and mouse

    private mutating func handlePaste(_ text: String) -> [ChatEffect] {
        switch ui.overlays.last {
        case .rename(let id, var editor)?:
            editor.insert(text.replacingOccurrences(of: "\n", with: " "))
            replaceTop(.rename(id, editor))
        case .systemPrompt(var editor)?:
            editor.insert(text)
            replaceTop(.systemPrompt(editor))
        case .searchAll(var editor, let hits, let list, let searched)?:
            editor.insert(text.replacingOccurrences(of: "\n", with: " "))
            replaceTop(.searchAll(editor, hits: hits, list: list, searched: searched))
        case nil where ui.search != nil:
            ui.search?.editor.insert(text.replacingOccurrences(of: "\n", with: " "))
            updateSearch()
        case nil:
            ui.focus = .composer
            let lines = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            if text.count > UIState.largePasteCharacters || lines > UIState.largePasteLines {
                ui.overlays.append(.confirmPaste(text))
            } else {
                insertIntoComposer(text)
            }
        default:
            break
        }
        return []
    }

    private mutating func insertIntoComposer(_ text: String) {
        ui.composer.insert(text)
        composerChanged()
    }

    private mutating func handleMouse(_ mouse: MouseEvent) -> [ChatEffect] {
        guard ui.overlays.isEmpty, !ScreenLayout.isTooSmall(ui.size) else { return [] }
        let l = screenLayout
        let point = Position(x: mouse.x, y: mouse.y)
        let inSidebar = l.sidebar?.contains(point) ?? false
        switch mouse.kind {
        case .scrollUp:
            if inSidebar { ui.sidebarList.selectPrevious(count: chat.conversations.count); return [] }
            return scrollTranscript(by: -3)
        case .scrollDown:
            if inSidebar { ui.sidebarList.selectNext(count: chat.conversations.count); return [] }
            return scrollTranscript(by: 3)
        case .press(.left):
            if let sidebar = l.sidebar, inSidebar {
                let row = mouse.y - sidebar.y - SidebarView.headerHeight
                let index = row + ui.sidebarList.offset
                guard row >= 0, chat.conversations.indices.contains(index) else { return [] }
                ui.sidebarList.selected = index
                ui.focus = .composer
                return open(chat.conversations[index].id)
            }
            if l.composer.contains(point) || l.composerBorder.contains(point) { ui.focus = .composer }
            return []
        default:
            return []
        }
    }

    // MARK: Scrolling

    private mutating func scrollTranscript(by lines: Int) -> [ChatEffect] {
        let m = metrics
        ui.scroll.scroll(by: lines, contentHeight: m.content, viewportHeight: m.viewport)
        return lines < 0 ? loadEarlierIfAtTop() : []
    }

    private mutating func loadEarlierIfAtTop() -> [ChatEffect] {
        let m = metrics
        guard chat.earlierCount > 0, ui.scroll.resolvedOffset(contentHeight: m.content, viewportHeight: m.viewport) == 0 else { return [] }
        return chat.update(.loadEarlier)
    }

    /// Runs a chat action and picks up a replaced draft.
    private mutating func send(_ action: ChatAction) -> [ChatEffect] {
        let effects = chat.update(action)
        syncDraft()
        return effects
    }
}
