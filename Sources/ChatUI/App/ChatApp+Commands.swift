import ChatCore
import TerminalUI

/// What each command of the keymap does on the chat screen, and what layers ask of it.
extension ChatApp {
    /// Runs a keymap command (`key`: the key that triggered it, for the composer's editing keys).
    mutating func run(_ command: ChatCommand, key: KeyEvent) -> Output {
        switch command {
        case .send:
            if let edited = sendEdit() { return edited }
            setDraft(ui.composer.text)
            let effects = send(.send(ui.composer.text))
            if !effects.isEmpty { ui.scroll.scrollToBottom() }
            return Output(chat: effects)
        case .newline:
            ui.composer.insertNewline()
            composerChanged()
        case .edit:
            edit(key)
        case .undo, .redo, .clearDraft, .prefixCtrlX, .editInEditor:
            return runComposerCommand(command)
        case .pageUp, .pageDown, .lineUp, .lineDown, .scrollToTop, .scrollToBottom:
            return Output(chat: scroll(command))
        case .escape:
            if cancelEdit() { return notify("Edit cancelled: the earlier message is unchanged.") }
            // A queued message is taken back first (into the composer); the next Esc stops the reply.
            if takeBackQueued() { return notify("The queued message is back in the composer.") }
            if chat.isStreaming { return Output(chat: send(.cancel)) }
            if ui.focus == .sidebar { ui.focus = .composer }
        case .retry:
            ui.scroll.scrollToBottom()
            return Output(chat: send(.retryLast))
        case .find:
            openSearch(query: "")
        case .copyLastReply:
            guard let reply = chat.transcript.last(where: { $0.role == .assistant && !$0.text.isEmpty }) else {
                return notify("There is no reply to copy yet.")
            }
            return copy(reply.text, what: "the last reply")
        case .copyPicker:
            let items = copyItems()
            guard !items.isEmpty else { return notify("There is nothing to copy yet.") }
            openPicker(CopyPickerLayer(items: items), selected: 0)
        case .export:
            guard chat.conversation != nil else { return export(.markdown) }
            push(ExportChoiceLayer())
        case .newConversation:
            ui.focus = .composer
            ui.scroll = ScrollState()
            return Output(chat: send(.newConversation))
        case .toggleSidebar:
            ui.sidebarChoice = !showsSidebar
            if !showsSidebar { ui.focus = .composer }
        case .switchFocus:
            if ui.focus == .sidebar {
                ui.focus = .composer
            } else {
                if !showsSidebar { ui.sidebarChoice = true }
                focusSidebar()
            }
        case .openSelected:
            guard let conversation = selectedConversation else { break }
            ui.focus = .composer
            return Output(chat: open(conversation.id))
        case .selectPrevious, .selectNext, .selectFirst, .selectLast:
            select(command)
        case .renameOpen:
            guard let conversation = chat.conversation else {
                return notify("Send a first message to create the conversation, then rename it.")
            }
            push(RenameLayer(id: conversation.id, title: conversation.title))
        case .renameSelected:
            if let conversation = selectedConversation {
                push(RenameLayer(id: conversation.id, title: conversation.title))
            }
        case .deleteOpen:
            if let conversation = chat.conversation {
                push(ConfirmDeleteLayer(id: conversation.id, title: conversation.title))
            }
        case .deleteSelected:
            if let conversation = selectedConversation {
                push(ConfirmDeleteLayer(id: conversation.id, title: conversation.title))
            }
        case .searchAll:
            push(SearchAllLayer())
        case .modelPicker:
            openPicker(ModelPickerLayer(), selected: Self.modelChoices(chat).firstIndex(of: chat.model) ?? 0)
        case .systemPrompt:
            push(SystemPromptLayer(text: chat.systemPrompt ?? ""))
        case .help:
            push(HelpLayer())
        case .palette:
            push(CommandPaletteLayer())
        case .themePicker:
            return Output(ui: [.listThemes])
        case .keyDialog:
            return Output(chat: send(.openKeyPrompt))
        case .keyManager:
            return Output(chat: send(.openKeyManager))
        case .selectMessage:
            guard !chat.transcript.isEmpty else { return notify("There is no message to choose yet.") }
            push(MessageSelectLayer())
        case .regenerateLast:
            guard let reply = chat.transcript.last(where: { $0.role == .assistant }) else {
                return notify("There is no reply to regenerate yet.")
            }
            ui.scroll.scrollToBottom()
            return Output(chat: send(.regenerate(entry: reply.id)))
        case .noticeLog:
            push(NoticeLogLayer(timeZone: layout.timeZone))
        case .redraw:
            return Output(ui: [.redraw])
        case .interrupt:
            if chat.isStreaming { return Output(chat: send(.cancel)) }
            return Output(ui: [.quit])
        case .quit:
            guard chat.isStreaming else { return Output(ui: [.quit]) }
            push(ConfirmQuitLayer())
        }
        return Output()
    }

    /// Runs what a layer asked of the chat screen.
    mutating func run(_ request: ScreenRequest) -> Output {
        switch request {
        case .insert(let text):
            insertIntoComposer(text)
        case .openHit(let hit, let query):
            ui.focus = .composer
            ui.layers.removeAll { $0 is MessageSelectLayer } // the chosen message may not be shown any more
            if hit.conversationID == chat.conversation?.id,
                chat.transcript.contains(where: { $0.storedID == hit.messageID })
            {
                // Already open: find the query and show the chosen message's match, not the newest.
                openSearch(query: query)
                showSearchHit(hit.messageID)
                return Output()
            }
            // A hit on another branch (or not loaded) reopens the conversation along its branch.
            guard !chat.isStreaming else { return Output(chat: send(.open(hit.conversationID))) }
            ui.pendingJump = (query, hit.messageID)
            if hit.conversationID == chat.conversation?.id {
                let draft = DraftSave(conversation: hit.conversationID, text: ui.composer.text)
                return Output(chat: [
                    .revealMessage(hit.messageID), .openConversation(hit.conversationID, saveDraftOf: draft),
                ])
            }
            let effects = open(hit.conversationID)
            if effects.isEmpty { ui.pendingJump = nil } // not opened (a reply is streaming)
            return Output(chat: [.revealMessage(hit.messageID)] + effects)
        case .copy(let text, let what):
            return copy(text, what: what)
        case .export(let format):
            return export(format)
        case .searchEdited:
            updateSearch()
        case .stepSearch(let step):
            stepSearch(step)
        case .run(let command, let key):
            return run(command, key: key)
        case .beginEdit(let entry, let text):
            beginEdit(entry: entry, text: text)
        }
        return Output()
    }

    /// Makes the first match in the stored message `message` the current one, when it is loaded.
    private mutating func showSearchHit(_ message: MessageID) {
        guard let entry = chat.transcript.firstIndex(where: { $0.storedID == message }),
            let hit = ui.search?.matches.firstIndex(where: { $0.entry == entry })
        else { return }
        updateSearchLayer { $0.current = hit }
        scrollToCurrentMatch()
    }

    /// Opens the theme picker on the catalog's themes (the loop lists them: ``UIEffect/listThemes``).
    public mutating func showThemePicker(names: [String]) {
        openPicker(ThemePickerLayer(names: names, original: themeName), selected: names.firstIndex(of: themeName) ?? 0)
        settle()
    }

    /// Switches to a loaded theme (a broken file fell back to the default: the notice says why);
    /// with `keep`, it is written to config.toml (``configFile``) as `theme = "…"`, and the
    /// notice says so.
    public mutating func useTheme(_ loaded: ThemeLoad, keep: Bool = false) {
        theme = loaded.theme
        themeName = loaded.name
        if !loaded.warnings.isEmpty {
            _ = notify(loaded.warnings.joined(separator: " "), error: true, seconds: 15)
        } else if keep, let configFile {
            do {
                try ConfigFileEdit.set("theme", to: loaded.name, file: configFile)
                _ = notify("Theme: \(loaded.name), kept in \(configFile).")
            } catch {
                _ = notify(
                    "Theme: \(loaded.name) for this session; it could not be kept (\(error.description)).", error: true,
                    seconds: 15)
            }
        } else {
            _ = notify("Theme: \(loaded.name) (set theme = \"\(loaded.name)\" in config.toml to keep it).")
        }
        settle()
    }

    /// Shows a theme while the picker moves over it (Esc in the picker goes back to the one before).
    public mutating func previewTheme(_ loaded: ThemeLoad) {
        guard loaded.warnings.isEmpty else { return }
        theme = loaded.theme
        themeName = loaded.name
        settle()
    }

    /// Shows a notice in the status bar.
    mutating func notify(_ text: String, error: Bool = false, seconds: Double = 5) -> Output {
        Output(chat: send(.notify(text, error: error, seconds: seconds)))
    }

    // MARK: Pieces

    private mutating func openPicker<P: PickerLayer>(_ picker: P, selected: Int?) {
        var picker = picker
        picker.open(selected: selected, kept: ui.pickerLists[P.kind], chat: chat, size: ui.size)
        push(picker)
    }

    private mutating func scroll(_ command: ChatCommand) -> [ChatEffect] {
        let m = metrics
        switch command {
        case .pageUp:
            ui.scroll.pageUp(contentHeight: m.content, viewportHeight: m.viewport)
            return loadEarlierIfAtTop()
        case .pageDown:
            ui.scroll.pageDown(contentHeight: m.content, viewportHeight: m.viewport)
        case .scrollToTop:
            ui.scroll.scrollToTop(contentHeight: m.content, viewportHeight: m.viewport)
            return loadEarlierIfAtTop()
        case .scrollToBottom:
            ui.scroll.scrollToBottom()
        case .lineUp:
            return scrollTranscript(by: -1)
        case .lineDown:
            return scrollTranscript(by: 1)
        default:
            break
        }
        return []
    }

    private mutating func focusSidebar() {
        ui.focus = .sidebar
        if let id = chat.conversation?.id, let i = chat.conversations.firstIndex(where: { $0.id == id }) {
            ui.sidebarList.selected = i
        } else if ui.sidebarList.selected == nil || (ui.sidebarList.selected ?? 0) >= chat.conversations.count {
            ui.sidebarList.selected = chat.conversations.isEmpty ? nil : 0
        }
    }

    private var selectedConversation: Conversation? {
        let listed = sidebarConversations
        guard let i = ui.sidebarList.selected, listed.indices.contains(i) else { return nil }
        return listed[i]
    }

    private mutating func select(_ command: ChatCommand) {
        let count = sidebarConversations.count
        switch command {
        case .selectPrevious: ui.sidebarList.selectPrevious(count: count)
        case .selectNext: ui.sidebarList.selectNext(count: count)
        case .selectFirst: ui.sidebarList.selected = count > 0 ? 0 : nil
        case .selectLast: ui.sidebarList.selected = count > 0 ? count - 1 : nil
        default: break
        }
    }
}
