import AnthropicAPI
import ChatCore
import Foundation
import SessionStore
import TerminalUI

/// palaver's full-screen app as a value you can drive without a terminal: feed it input
/// (``handle(_:)``) and runtime results (``apply(_:)``), run the effects it returns, draw it
/// with ``render(into:)``.
public struct ChatApp {
    public var chat: ChatState
    public var ui: UIState
    public var theme: Theme {
        didSet { layout.theme = theme; layout.invalidate() }
    }
    /// Cached transcript rows (a reference: rendering fills it).
    let layout: TranscriptLayout
    /// Where themes come from, for the theme picker (nil: no picker).
    public var themes: ThemeCatalog?
    /// The name of the theme shown.
    public var themeName = ThemeCatalog.defaultName
    /// Where F9 writes exports (the directory palaver was started in).
    public var exportDirectory = FileManager.default.currentDirectoryPath

    public init(chat: ChatState, size: Size, theme: Theme, timeZone: TimeZone = .current) {
        self.chat = chat
        self.ui = UIState(size: size)
        self.theme = theme
        self.layout = TranscriptLayout(theme: theme, timeZone: timeZone)
        syncDraft()
    }

    // MARK: Derived layout

    var showsSidebar: Bool { ScreenLayout.showsSidebar(choice: ui.sidebarChoice, width: ui.size.width) }

    var composerWidth: Int { ScreenLayout.composerWidth(size: ui.size, sidebar: showsSidebar) }

    var screenLayout: ScreenLayout {
        ScreenLayout(size: ui.size, sidebar: showsSidebar, composerLines: ui.composer.contentHeight(width: composerWidth))
    }

    func transcriptView(width: Int) -> TranscriptView {
        TranscriptView(rows: layout.rows(for: chat.transcript, width: width), earlierCount: chat.earlierCount,
                       emptyHint: emptyHint, theme: theme, highlights: searchHighlights)
    }

    /// The transcript's content height and viewport height, for scrolling.
    var metrics: (content: Int, viewport: Int) {
        let area = screenLayout.transcript
        return (transcriptView(width: area.width).contentHeight, area.height)
    }

    var emptyHint: [Line] {
        var lines = [Line("palaver", style: theme.style("transcript.empty").bold),
                     Line(""),
                     Line("Type a message below; Enter sends it.", style: theme.style("transcript.empty")),
                     Line("F1 lists every key · Ctrl+N new conversation · Ctrl+Q quits", style: theme.style("transcript.empty"))]
        if !chat.key.health.canSend {
            lines += [Line(""), Line("No API key: press \(ChatState.keyDialogKeys), set ANTHROPIC_API_KEY or run `palaver key set`.", style: theme.style("transcript.error"))]
        }
        if chat.settings.demo {
            lines += [Line(""), Line("Demo mode: replies come from a local fake server, not Claude.", style: theme.style("status.demo"))]
        }
        return lines
    }

    /// The models the picker offers: the listed ones, else the configured one.
    static func modelChoices(_ chat: ChatState) -> [String] {
        var ids = chat.models.map(\.id)
        if !ids.contains(chat.model) { ids.insert(chat.model, at: 0) }
        return ids
    }

    // MARK: Start

    /// The effects of starting (load the list, open `resume`, check the key and models).
    public mutating func start(resume: ConversationID?) -> [ChatEffect] {
        chat.start(resume: resume)
    }

    // MARK: Runtime results

    /// Applies a result from the runtime.
    public mutating func apply(_ action: ChatAction) -> [ChatEffect] {
        var before: Int?
        if case .earlierLoaded = action { before = metrics.content }
        let effects = chat.update(action)
        if chat.keyPrompt == nil, !ui.keyField.isEmpty { ui.keyField.clear() } // closed by a key found elsewhere
        if let before, !ui.scroll.followsBottom {
            ui.scroll.offset += metrics.content - before
        }
        syncDraft()
        switch action {
        case .searchResults(let query, let hits):
            if case .searchAll(let editor, _, _, query)? = ui.overlays.last {
                ui.overlays[ui.overlays.count - 1] = .searchAll(editor, hits: hits, list: ListState(selected: hits.isEmpty ? nil : 0), searched: query)
            }
        case .conversationOpened:
            if let jump = ui.pendingJump {
                ui.pendingJump = nil
                var search = TranscriptSearch()
                search.editor.text = jump.query
                search.editor.moveToEnd()
                ui.search = search
                updateSearch()
                if let entry = chat.transcript.firstIndex(where: { $0.storedID == jump.message }),
                   let hit = ui.search?.matches.firstIndex(where: { $0.entry == entry }) {
                    ui.search?.current = hit
                    scrollToCurrentMatch()
                }
            }
        default:
            break
        }
        return effects
    }

    /// Loads the composer from the chat's draft when the update function replaced it.
    mutating func syncDraft() {
        guard ui.draftRevision != chat.draftRevision else { return }
        ui.draftRevision = chat.draftRevision
        ui.composer.text = chat.draft
        ui.composer.moveToEnd()
        ui.recall = nil
        ui.draftDirty = false
    }

    /// A draft to save when the composer changed (the loop calls this when idle and at quit).
    public mutating func takeDraftSave() -> ChatEffect? {
        guard ui.draftDirty else { return nil }
        ui.draftDirty = false
        return .saveDraft(DraftSave(conversation: chat.conversation?.id, text: ui.composer.text))
    }

    // MARK: Drawing

    /// Draws the whole screen; the cursor goes to the caret of the field being typed in.
    public mutating func render(into frame: inout Frame) {
        let size = frame.size
        frame.buffer.fill(frame.area, with: Cell(" ", style: theme.style("default")))
        if ScreenLayout.isTooSmall(size) {
            let text = "palaver needs \(ScreenLayout.minimumWidth)×\(ScreenLayout.minimumHeight); this is \(size.width)×\(size.height)"
            let lines = TextLayout.wrap(text, style: theme.style("toosmall"), width: max(1, size.width))
            for (i, line) in lines.prefix(size.height).enumerated() { _ = frame.buffer.setLine(line, x: 0, y: i) }
            frame.cursor = nil
            return
        }
        let l = screenLayout
        if let sidebarArea = l.sidebar {
            SidebarView(conversations: chat.conversations, total: chat.conversationTotal, openID: chat.conversation?.id,
                        focused: ui.focus == .sidebar, theme: theme)
                .render(in: sidebarArea, buffer: &frame.buffer, list: &ui.sidebarList)
        }
        refreshSearchIfNeeded()
        transcriptView(width: l.transcript.width).render(in: l.transcript, buffer: &frame.buffer, scroll: ui.scroll)
        drawComposerBorder(l.composerBorder, buffer: &frame.buffer)
        ui.composer.style = theme.style("composer")
        ui.composer.placeholderStyle = theme.style("composer.placeholder")
        let caret = ui.composer.render(in: l.composer, buffer: &frame.buffer)
        StatusBar(chat: chat, theme: theme).render(in: l.status, buffer: &frame.buffer)
        frame.cursor = ui.focus == .composer ? caret : nil
        if let search = ui.search { frame.cursor = drawSearchBar(search, in: l.composerBorder, buffer: &frame.buffer) }
        if let overlay = ui.overlays.last {
            frame.cursor = OverlayView(overlay: overlay, chat: chat, theme: theme).render(in: l.screen, buffer: &frame.buffer)
        }
        if let prompt = chat.keyPrompt {
            frame.cursor = KeyPromptView(prompt: prompt, field: ui.keyField, now: chat.now, theme: theme)
                .render(in: l.screen, buffer: &frame.buffer)
        }
    }

    /// The search field over the composer's top line: the query, the match count, the keys.
    private func drawSearchBar(_ search: TranscriptSearch, in area: Rect, buffer: inout Buffer) -> Position? {
        buffer.fill(area, with: Cell(" ", style: theme.style("modal.field.focused")))
        let query = TextSanitizer.sanitize(search.editor.text, keepNewlines: false)
        let count = search.editor.text.isEmpty ? "" : search.matches.isEmpty ? "no matches"
            : "\((search.current ?? 0) + 1) of \(search.matches.count)"
        let label = " Find: "
        let x = area.x + buffer.setString(label, x: area.x, y: area.y, style: theme.style("modal.title"), clip: area)
        let shown = TextLayout.truncate(Line(query, style: theme.style("modal.field.focused")), width: max(1, area.width / 2))
        _ = buffer.setLine(shown, x: x, y: area.y, clip: area)
        let hint = TextLayout.truncate(Line(" \(count) · Enter/↑ older · ↓ newer · Esc closes ", style: theme.style("modal.hint")),
                                       width: max(0, area.maxX - x - shown.width - 2))
        _ = buffer.setLine(hint, x: area.maxX - hint.width, y: area.y, clip: area)
        return Position(x: min(area.maxX - 1, x + shown.width), y: area.y)
    }

    private func drawComposerBorder(_ area: Rect, buffer: inout Buffer) {
        let focused = ui.focus == .composer && ui.overlays.isEmpty
        let style = theme.style(focused ? "composer.border.focused" : "composer.border")
        buffer.fill(area, with: Cell("─", style: style))
        var hints: [String] = []
        if chat.isStreaming { hints.append("Esc stops") }
        hints += ["Enter sends", "Alt+Enter newline", "F1 help"]
        let line = TextLayout.truncate(Line(" " + hints.joined(separator: " · ") + " ", style: theme.style("composer.hint")),
                                       width: max(0, area.width - 2))
        _ = buffer.setLine(line, x: area.maxX - line.width - 1, y: area.y, clip: area)
    }
}
