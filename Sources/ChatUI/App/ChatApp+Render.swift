import ChatCore
import TerminalUI

/// Drawing: the chat screen, then each layer over it. Drawing changes nothing (``ChatApp/settle()``
/// did the scrolling); the cursor goes to the caret of the field being typed in.
extension ChatApp {
    /// Draws the whole screen.
    public func render(into frame: inout Frame) {
        let size = frame.size
        frame.buffer.fill(frame.area, with: Cell(" ", style: theme.style("default")))
        if ScreenLayout.isTooSmall(size) {
            let text =
                "palaver needs \(ScreenLayout.minimumWidth)×\(ScreenLayout.minimumHeight); this is \(size.width)×\(size.height)"
            let lines = TextLayout.wrap(text, style: theme.style("toosmall"), width: max(1, size.width))
            for (i, line) in lines.prefix(size.height).enumerated() { _ = frame.buffer.setLine(line, x: 0, y: i) }
            frame.cursor = nil
            return
        }
        let l = screenLayout
        if let sidebarArea = l.sidebar {
            var list = ui.sidebarList
            SidebarView(
                conversations: sidebarConversations, total: chat.conversationTotal, openID: chat.conversation?.id,
                focused: ui.focus == .sidebar, theme: theme, filter: sidebarFilter, now: chat.now,
                timeZone: layout.timeZone
            )
            .render(in: sidebarArea, buffer: &frame.buffer, list: &list)
        }
        transcriptView(width: l.transcript.width).render(in: l.transcript, buffer: &frame.buffer, scroll: ui.scroll)
        drawComposerBorder(l.composerBorder, buffer: &frame.buffer)
        var composer = ui.composer
        composer.style = theme.style("composer")
        composer.placeholderStyle = theme.style("composer.placeholder")
        let caret = composer.render(in: l.composer, buffer: &frame.buffer)
        StatusBar(chat: chat, theme: theme, timeZone: layout.timeZone).render(in: l.status, buffer: &frame.buffer)
        frame.cursor = ui.focus == .composer ? caret : nil
        let context = RenderContext(chat: chat, theme: theme, layout: l)
        for layer in ui.layers {
            frame.cursor = layer.render(in: l.screen, buffer: &frame.buffer, context: context)
        }
    }

    private func drawComposerBorder(_ area: Rect, buffer: inout Buffer) {
        let focused = ui.focus == .composer && !ui.hasDialog
        let style = theme.style(focused ? "composer.border.focused" : "composer.border")
        buffer.fill(area, with: Cell("─", style: style))
        let counted = drawDraftCount(area, buffer: &buffer)
        var hints: [String] = []
        if ui.editing != nil {
            hints.append("editing an earlier message: Enter sends it as a new version · Esc cancels")
        } else if chat.queuedTurn != nil {
            hints.append("Esc takes back the queued message")
        } else if chat.isStreaming {
            hints.append("Esc stops")
        }
        hints += [chat.isStreaming ? "Enter queues" : "Enter sends", "Alt+Enter newline", "F1 help"]
        let line = TextLayout.truncate(
            Line(" " + hints.joined(separator: " · ") + " ", style: theme.style("composer.hint")),
            width: max(0, area.width - 2 - counted))
        _ = buffer.setLine(line, x: area.maxX - line.width - 1, y: area.y, clip: area)
    }

    /// A long draft's size at the left of the composer's border ("1,234 chars · 42 lines");
    /// returns the columns it took (0 when the draft is short).
    private func drawDraftCount(_ area: Rect, buffer: inout Buffer) -> Int {
        let lines = ui.composer.lines.count
        let characters = ui.composer.characterCount
        guard lines > Self.countLinesFrom - 1 || characters >= Self.countCharactersFrom else { return 0 }
        let text =
            " \(Self.grouped(characters)) \(characters == 1 ? "char" : "chars") · "
            + "\(Self.grouped(lines)) \(lines == 1 ? "line" : "lines") "
        guard text.count + 2 <= area.width else { return 0 }
        let used = buffer.setLine(Line(text, style: theme.style("composer.hint")), x: area.x + 1, y: area.y, clip: area)
        return used + 1 // and a line between it and the hints
    }

    /// The draft's size shows from this many lines or characters on.
    static let countLinesFrom = 4
    static let countCharactersFrom = 500

    /// 1234567 as "1,234,567".
    static func grouped(_ n: Int) -> String {
        var digits = String(n)
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return digits + out
    }
}
