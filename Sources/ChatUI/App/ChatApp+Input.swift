import ChatCore
import Foundation
import TerminalUI

/// Input: an event goes to the top layer first, down the stack, and in the end to the chat
/// screen, whose keys come from the ``Keymap`` table.
extension ChatApp {
    /// Handles one input event; returns the effects to run (the runtime's and the loop's).
    public mutating func handle(_ event: InputEvent) -> Output {
        var output = Output()
        if case .resize(let size) = event {
            ui.size = size
        } else {
            output = dispatch(event)
        }
        endSidebarFilterUnlessFocused()
        settle()
        return output
    }

    /// Offers `event` to each layer from the top; the chat screen gets what they all ignore.
    private mutating func dispatch(_ event: InputEvent) -> Output {
        var index = ui.layers.count - 1
        while index >= 0 {
            var layer = ui.layers[index]
            var context = LayerContext(chat: chat, size: ui.size)
            let result = layer.handle(event, context: &context)
            ui.layers[index] = layer
            switch result {
            case .ignored:
                index -= 1
                continue
            case .close:
                close(at: index)
            case .consumed:
                break
            }
            return perform(context)
        }
        return handleOnScreen(event)
    }

    /// Closes the layer at `index`; a picker's list is kept for its next opening.
    private mutating func close(at index: Int) {
        let layer = ui.layers.remove(at: index)
        if let picker = layer as? any PickerLayer { ui.pickerLists[type(of: picker).kind] = picker.list }
    }

    /// Runs what a layer asked for: its chat actions, its effects, its requests to the screen.
    private mutating func perform(_ context: LayerContext) -> Output {
        var output = Output(chat: context.chatEffects, ui: context.effects)
        for action in context.actions { output.chat += send(action) }
        ui.layers += context.push
        for request in context.requests { output += run(request) }
        return output
    }

    /// Opens a layer on top.
    mutating func push(_ layer: any Layer) {
        ui.layers.append(layer)
    }

    /// Input read while quitting on a signal: edits to the composer count (they are saved
    /// with the draft); nothing is sent and no dialog opens.
    public mutating func takeTypeahead(_ event: InputEvent) {
        guard chat.keyPrompt == nil, ui.layers.isEmpty, ui.focus == .composer else { return }
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

    // MARK: The chat screen

    private mutating func handleOnScreen(_ event: InputEvent) -> Output {
        switch event {
        case .resize:
            return Output()
        case .mouse(let mouse):
            return Output(chat: handleMouse(mouse))
        case .paste(let text):
            ui.focus = .composer
            let lines = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            if text.count > UIState.largePasteCharacters || lines > UIState.largePasteLines {
                push(ConfirmPasteLayer(text: text))
            } else {
                insertIntoComposer(text)
            }
            return Output()
        case .key(let key):
            if let binding = Keymap.binding(for: key, focus: ui.focus, composerEmpty: ui.composer.isEmpty) {
                return run(binding.command, key: key)
            }
            if ui.focus == .composer {
                edit(key)
            } else if !startSidebarFilter(with: key), case .character = key.key, key.modifiers.isEmpty {
                return notify("Type a letter to filter the conversations; F1 lists the sidebar's keys.")
            }
            return Output()
        }
    }

    /// A key for the composer's text field (typing, moving, deleting, earlier prompts).
    mutating func edit(_ key: KeyEvent) {
        switch ui.composer.handle(key, width: composerWidth) {
        case .handled: break
        case .notHandled: return
        case .atTop: recall(-1)
        case .atBottom: recall(1)
        }
        composerChanged()
    }

    /// Steps through earlier prompts of this conversation: -1 older, +1 newer.
    private mutating func recall(_ step: Int) {
        var prompts: [String] = []
        for entry in chat.transcript where entry.role == .user && prompts.last != entry.text {
            prompts.append(entry.text)
        }
        guard !prompts.isEmpty else { return }
        let current = ui.recall?.index ?? prompts.count
        let next = current + step
        if next >= prompts.count {
            guard let stash = ui.recall?.stash else { return }
            ui.composer.replaceText(stash)
            ui.composer.moveToEnd()
            ui.recall = nil
            return
        }
        guard next >= 0 else { return }
        let stash = ui.recall?.stash ?? ui.composer.text
        ui.composer.replaceText(prompts[next]) // undoable: Ctrl+Z brings back what was there
        if step < 0 { ui.composer.moveToStart() } else { ui.composer.moveToEnd() }
        ui.recall = (next, stash)
    }

    mutating func composerChanged() {
        setDraft(ui.composer.text)
        ui.draftDirty = true
    }

    /// Tells the chat what the composer holds.
    mutating func setDraft(_ text: String) {
        _ = chat.update(.draftEdited(text))
    }

    mutating func insertIntoComposer(_ text: String) {
        ui.composer.insert(text)
        composerChanged()
    }

    // MARK: Mouse

    private mutating func handleMouse(_ mouse: MouseEvent) -> [ChatEffect] {
        guard !ScreenLayout.isTooSmall(ui.size) else { return [] }
        let l = screenLayout
        let point = Position(x: mouse.x, y: mouse.y)
        let inSidebar = l.sidebar?.contains(point) ?? false
        switch mouse.kind {
        case .scrollUp:
            if inSidebar {
                ui.sidebarList.selectPrevious(count: sidebarConversations.count)
                return []
            }
            return scrollTranscript(by: -3)
        case .scrollDown:
            if inSidebar {
                ui.sidebarList.selectNext(count: sidebarConversations.count)
                return []
            }
            return scrollTranscript(by: 3)
        case .press(.left):
            if let sidebar = l.sidebar, inSidebar {
                let row = mouse.y - sidebar.y - SidebarView.headerHeight
                let index = row + ui.sidebarList.offset
                let listed = sidebarConversations
                guard row >= 0, listed.indices.contains(index) else { return [] }
                ui.sidebarList.selected = index
                ui.focus = .composer
                return open(listed[index].id)
            }
            if l.composer.contains(point) || l.composerBorder.contains(point) { ui.focus = .composer }
            return []
        default:
            return []
        }
    }

    // MARK: Scrolling

    mutating func scrollTranscript(by lines: Int) -> [ChatEffect] {
        let m = metrics
        ui.scroll.scroll(by: lines, contentHeight: m.content, viewportHeight: m.viewport)
        return lines < 0 ? loadEarlierIfAtTop() : []
    }

    mutating func loadEarlierIfAtTop() -> [ChatEffect] {
        let m = metrics
        guard chat.earlierCount > 0, ui.scroll.resolvedOffset(contentHeight: m.content, viewportHeight: m.viewport) == 0
        else { return [] }
        return send(.loadEarlier)
    }

    /// Opens a conversation, keeping the composer's text as the draft of the one left.
    mutating func open(_ id: ConversationID) -> [ChatEffect] {
        setDraft(ui.composer.text)
        ui.draftDirty = false
        let effects = chat.update(.open(id)) // the composer takes the opened draft when it arrives
        if !effects.isEmpty { ui.scroll = ScrollState() }
        return effects
    }
}
