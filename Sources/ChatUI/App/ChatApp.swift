import ChatCore
import Foundation
import TerminalUI

/// palaver's full-screen app as a value you can drive without a terminal: feed it input
/// (``handle(_:)``) and runtime results (``apply(_:)``), run the effects they return, draw it
/// with ``render(into:)``. The chat screen is the bottom layer; dialogs are layers on top of it
/// (``UIState/layers``).
public struct ChatApp {
    public var chat: ChatState
    public var ui: UIState
    public var theme: Theme {
        didSet {
            layout.theme = theme
            layout.invalidate()
        }
    }
    /// Cached transcript rows (a reference: a cache filled on demand).
    let layout: TranscriptLayout
    /// Where themes come from, for the theme picker (nil: no picker). The loop reads it when it
    /// runs ``UIEffect/listThemes`` and ``UIEffect/loadTheme(_:)``.
    public var themes: ThemeCatalog?
    /// The name of the theme shown.
    public var themeName = ThemeCatalog.defaultName
    /// config.toml, where a theme chosen with F6 is kept (nil: not kept, as in tests).
    public var configFile: String?
    /// Where F9 writes exports: the directory palaver was started in, which the launcher sets
    /// (the app itself reads nothing from the system; "." until then).
    public var exportDirectory = "."

    public init(chat: ChatState, size: Size, theme: Theme, timeZone: TimeZone = .current) {
        self.chat = chat
        self.ui = UIState(size: size)
        self.theme = theme
        self.layout = TranscriptLayout(theme: theme, timeZone: timeZone)
        syncDraft()
        settle()
    }

    // MARK: Derived layout

    var showsSidebar: Bool { ScreenLayout.showsSidebar(choice: ui.sidebarChoice, width: ui.size.width) }

    var composerWidth: Int { ScreenLayout.composerWidth(size: ui.size, sidebar: showsSidebar) }

    var screenLayout: ScreenLayout {
        ScreenLayout(
            size: ui.size, sidebar: showsSidebar, composerLines: ui.composer.contentHeight(width: composerWidth))
    }

    func transcriptView(width: Int) -> TranscriptView {
        TranscriptView(
            rows: layout.rows(for: chat.transcript, width: width), earlierCount: chat.earlierCount,
            emptyHint: emptyHint, theme: theme, highlights: searchHighlights)
    }

    /// The transcript's content height and viewport height, for scrolling.
    var metrics: (content: Int, viewport: Int) {
        let area = screenLayout.transcript
        return (transcriptView(width: area.width).contentHeight, area.height)
    }

    var emptyHint: [Line] {
        var lines = [
            Line("palaver", style: theme.style("transcript.empty").bold),
            Line(""),
            Line("Type a message below; Enter sends it.", style: theme.style("transcript.empty")),
            Line("F1 lists every key · Ctrl+N new conversation · Ctrl+Q quits", style: theme.style("transcript.empty")),
        ]
        if !chat.key.health.canSend {
            lines += [
                Line(""),
                Line(
                    "No API key: press \(ChatState.keyDialogKeys), set ANTHROPIC_API_KEY or run `palaver key set`.",
                    style: theme.style("transcript.error")),
            ]
        }
        if chat.settings.demo {
            lines += [
                Line(""),
                Line(
                    "Demo mode: replies come from a local fake server, not Claude.", style: theme.style("status.demo")),
            ]
        }
        return lines
    }

    /// The models the picker offers: the listed ones, else the configured one.
    static func modelChoices(_ chat: ChatState) -> [String] { ModelPickerLayer.choices(chat) }

    // MARK: Start

    /// The effects of starting (load the list, open `resume`, check the key and models).
    public mutating func start(resume: ConversationID?) -> [ChatEffect] {
        let effects = chat.start(resume: resume)
        settle()
        return effects
    }

    // MARK: Runtime results

    /// Applies a result from the runtime.
    public mutating func apply(_ action: ChatAction) -> [ChatEffect] {
        var before: Int?
        if case .earlierLoaded = action { before = metrics.content }
        let effects = chat.update(action)
        if let before, !ui.scroll.followsBottom {
            ui.scroll.offset += metrics.content - before
        }
        syncDraft()
        switch action {
        case .searchResults(let query, let hits):
            if let i = ui.layers.lastIndex(where: { !($0 is KeyDialogLayer) }),
                var search = ui.layers[i] as? SearchAllLayer
            {
                search.show(hits, for: query, size: ui.size)
                ui.layers[i] = search
            }
        case .conversationOpened:
            if let jump = ui.pendingJump {
                ui.pendingJump = nil
                openSearch(query: jump.query)
                if let entry = chat.transcript.firstIndex(where: { $0.storedID == jump.message }),
                    let hit = ui.search?.matches.firstIndex(where: { $0.entry == entry })
                {
                    updateSearchLayer { $0.current = hit }
                    scrollToCurrentMatch()
                }
            }
        default:
            break
        }
        settle()
        return effects
    }

    /// Runs a chat action through the update function and picks up a replaced draft.
    mutating func send(_ action: ChatAction) -> [ChatEffect] {
        let effects = chat.update(action)
        syncDraft()
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

    /// Brings what is derived from the state up to date after every change, so drawing only
    /// draws: the key dialog layer follows ``ChatState/keyPrompt``, search matches follow the
    /// transcript and the width, lists and the composer scroll to keep their selection and caret
    /// in view.
    mutating func settle() {
        if chat.keyManager == nil {
            ui.layers.removeAll { $0 is KeyManagerLayer }
        } else if !ui.layers.contains(where: { $0 is KeyManagerLayer }) {
            ui.layers.append(KeyManagerLayer())
        }
        if chat.keyPrompt == nil {
            ui.layers.removeAll { $0 is KeyDialogLayer }
        } else if !ui.layers.contains(where: { $0 is KeyDialogLayer }) {
            ui.layers.append(KeyDialogLayer()) // over the key manager when that is open
        }
        refreshSearchIfNeeded()
        guard !ScreenLayout.isTooSmall(ui.size) else { return }
        let l = screenLayout
        if let sidebar = l.sidebar {
            ui.sidebarList.keepVisible(
                count: chat.conversations.count,
                height: max(0, sidebar.height - SidebarView.headerHeight))
        }
        // TextEditor keeps its scroll row private and moves it only while drawing: draw into a
        // scratch buffer here so the frame's drawing changes nothing.
        var scratch = Buffer(width: l.composer.width, height: l.composer.height)
        ui.composer.render(in: Rect(x: 0, y: 0, width: l.composer.width, height: l.composer.height), buffer: &scratch)
    }
}
