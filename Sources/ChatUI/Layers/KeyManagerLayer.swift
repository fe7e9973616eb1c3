import ChatCore
import Foundation
import TerminalUI

/// Alt+K (and "API key…" in the palette): every place a key can come from, as `palaver doctor`
/// sees it, with what it holds (masked), when the API last accepted it and why it is or is not
/// the key in use. From here the user checks a key (v), switches to it for this session (u or
/// Enter), enters a new one (n, the key dialog), saves the one entered in this session (s) or
/// forgets one (d, twice). Open while ``ChatState/keyManager`` is set; the composer is untouched.
struct KeyManagerLayer: Layer {
    /// The selected row.
    var selected = 0
    /// `d` was pressed once on this source: a second `d` forgets it.
    var confirmingForget: KeySource?

    static let title = "API keys"

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        guard let manager = context.chat.keyManager else { return .ignored }
        guard case .key(let key) = event else { return event.isResize ? .ignored : .consumed }
        let rows = manager.rows
        let row = rows.indices.contains(selected) ? rows[selected] : nil
        let confirming = confirmingForget
        confirmingForget = nil
        switch (key.key, key.modifiers) {
        case (.escape, _), (.character("k"), .alt):
            context.actions.append(.closeKeyManager)
            return .consumed
        case (.character("q"), .control):
            context.effects.append(.quit)
            return .consumed
        case (.up, _): selected = max(0, selected - 1)
        case (.down, _): selected = min(max(0, rows.count - 1), selected + 1)
        case (.home, _): selected = 0
        case (.end, _): selected = max(0, rows.count - 1)
        default:
            guard manager.busy == nil, !manager.loading else { return .consumed }
            act(on: key, row: row, confirming: confirming, context: &context)
        }
        return .consumed
    }

    /// The action keys: use, verify, new, save, forget.
    private mutating func act(on key: KeyEvent, row: KeySourceRow?, confirming: KeySource?, context: inout LayerContext)
    {
        switch key {
        case .char("n"):
            context.actions.append(.openKeyPrompt)
        case .char("u"), KeyEvent(.enter):
            guard let row, row.canUse else { return }
            context.actions.append(.useKeySource(row.source))
        case .char("v"):
            guard let row, row.holding == .usable else { return }
            context.actions.append(.verifyKeySource(row.source))
        case .char("s"):
            guard let row, row.source == .session, row.holding == .usable else { return }
            context.actions.append(.saveSessionKey)
        case .char("d"), KeyEvent(.delete):
            guard let row, row.canForget else { return }
            if confirming == row.source {
                context.actions.append(.forgetKeySource(row.source))
            } else {
                confirmingForget = row.source
            }
        default:
            break
        }
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        guard let manager = context.chat.keyManager else { return nil }
        let theme = context.theme
        let painter = ModalPainter(theme: theme)
        let width = min(area.width - 2, 90)
        let inner = max(8, width - 4)
        var list: [(Line, Bool)] = []
        for (i, row) in manager.rows.enumerated() {
            for line in lines(for: row, chat: context.chat, width: inner, theme: theme) {
                list.append((line, i == selected))
            }
        }
        let footer = footerLines(manager, width: inner, theme: theme)
        let height = min(area.height - 2, list.count + footer.count + 4)
        let frame = painter.modal(Self.title, width: width, height: height, in: area, buffer: &buffer)
        let body = Rect(x: frame.x + 1, y: frame.y, width: max(0, frame.width - 2), height: max(0, frame.height - 1))
        let listHeight = max(1, body.height - footer.count)
        // Keep the selected row's lines in view.
        let firstSelected = list.firstIndex { $0.1 } ?? 0
        let lastSelected = list.lastIndex { $0.1 } ?? 0
        let start = max(0, min(firstSelected, lastSelected - listHeight + 1))
        for (i, (line, isSelected)) in list.dropFirst(start).prefix(listHeight).enumerated() {
            let y = body.y + i
            if isSelected {
                buffer.fill(
                    Rect(x: body.x, y: y, width: body.width, height: 1),
                    with: Cell(" ", style: theme.style("modal.button.selected")))
            }
            _ = buffer.setLine(
                isSelected ? line.styled(theme.style("modal.button.selected")) : line, x: body.x, y: y, clip: body)
        }
        for (i, line) in footer.prefix(max(0, body.height - min(list.count, listHeight))).enumerated() {
            _ = buffer.setLine(line, x: body.x, y: body.y + min(list.count, listHeight) + i, clip: body)
        }
        painter.hint(hint(for: manager), frame: frame, buffer: &buffer)
        return nil
    }

    /// Two lines a source: what it is and holds, then its state and why it is (not) in use.
    private func lines(for row: KeySourceRow, chat: ChatState, width: Int, theme: Theme) -> [Line] {
        let name =
            row.source == .session
            ? "key entered in this session" : TextSanitizer.sanitize(row.source.description, keepNewlines: false)
        let marker = row.isEffective ? "● " : "○ "
        var first = [Span(marker, style: theme.style(row.isEffective ? "modal.ok" : "modal.hint")), Span(name)]
        if let masked = row.masked { first.append(Span("  " + masked, style: theme.style("modal.text"))) }
        let state = stateText(row, chat: chat)
        let second = [state, TextSanitizer.sanitize(row.why, keepNewlines: false)]
            .filter { !$0.isEmpty }.joined(separator: " · ")
        let style: String
        switch row.holding {
        case .nothing: style = "modal.hint"
        case .unusable: style = "modal.error"
        case .usable: style = row.rejectedAt != nil && !row.isEffective ? "modal.warning" : "modal.text"
        }
        let indent = Span("  ")
        return [TextLayout.truncate(Line(first), width: width)]
            + TextLayout.wrap(second, style: theme.style(style), width: max(4, width - 2)).prefix(2).map {
                Line([indent] + $0.spans)
            }
    }

    /// The key's health as far as palaver knows: the live state for the key in use, else the
    /// key memory's dates.
    private func stateText(_ row: KeySourceRow, chat: ChatState) -> String {
        guard row.holding == .usable else { return "" }
        if row.isEffective { return StatusBar.healthText(chat.key.health, now: chat.now) }
        if let verified = row.verifiedAt, verified >= (row.rejectedAt ?? .distantPast) {
            return "verified \(Self.ago(verified, now: chat.now))"
        }
        return row.rejectedAt == nil ? "never verified" : ""
    }

    /// "just now", "5m ago", "3h ago", "2d ago".
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        if seconds < 60 { return "just now" }
        if seconds < 86_400 { return StatusBar.short(seconds) + " ago" }
        return "\(Int(seconds / 86_400))d ago"
    }

    /// Under the list: the work under way, the last outcome, a forget waiting for its second `d`.
    private func footerLines(_ manager: KeyManager, width: Int, theme: Theme) -> [Line] {
        var text: (String, String)?
        if manager.loading {
            text = ("Reading the key sources…", "modal.hint")
        } else if let busy = manager.busy {
            text = (busy, "modal.text")
        } else if let confirmingForget {
            text = (
                "Press d again to forget \(confirmingForget.keyPhrase)"
                    + (confirmingForget.isSaved ? " (it is removed from credentials.toml)." : "."), "modal.warning"
            )
        } else if let message = manager.message {
            text = (message, manager.messageIsError ? "modal.error" : "modal.ok")
        }
        guard let (words, style) = text else { return [] }
        return [Line()]
            + TextLayout.wrap(
                TextSanitizer.sanitize(words, keepNewlines: false), style: theme.style(style), width: width
            )
            .prefix(3)
    }

    /// The keys that apply to the selected row.
    private func hint(for manager: KeyManager) -> String {
        let row = manager.rows.indices.contains(selected) ? manager.rows[selected] : nil
        var parts = ["↑↓"]
        if row?.canUse == true { parts.append("u use") }
        if row?.holding == .usable { parts.append("v verify") }
        parts.append("n new key")
        if row?.source == .session && row?.holding == .usable { parts.append("s save") }
        if row?.canForget == true && row?.isEffective == false { parts.append("d forget") }
        parts.append("Esc")
        return parts.joined(separator: " · ")
    }
}

extension KeySource {
    /// Whether the key lives in the credentials file (the default key or a profile).
    fileprivate var isSaved: Bool {
        switch self {
        case .credentialsFile, .profile: return true
        case .session, .environment, .helper: return false
        }
    }
}

extension InputEvent {
    fileprivate var isResize: Bool {
        if case .resize = self { return true }
        return false
    }
}
