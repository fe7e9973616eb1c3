import ChatCore
import Foundation
import TerminalUI

/// The conversation list on the left: titles, newest first, the open one marked.
struct SidebarView {
    var conversations: [Conversation]
    var total: Int
    var openID: ConversationID?
    var focused: Bool
    var theme: Theme

    /// Rows above the list (title and a rule).
    static let headerHeight = 2

    func render(in area: Rect, buffer: inout Buffer, list: inout ListState) {
        let base = theme.style("sidebar")
        buffer.fill(area, with: Cell(" ", style: base))
        let inner = Rect(x: area.x, y: area.y, width: max(0, area.width - 1), height: area.height)
        for y in area.y..<area.maxY {
            _ = buffer.setString("│", x: area.maxX - 1, y: y, style: theme.style("sidebar.border"))
        }
        let heading = focused ? " Conversations ▸" : " Conversations"
        _ = buffer.setString(heading, x: inner.x, y: inner.y, style: theme.style("sidebar.title"), clip: inner)
        let count = total > conversations.count ? "\(conversations.count)/\(total)" : "\(total)"
        let countWidth = count.displayWidth + 1
        if inner.width > heading.displayWidth + countWidth {
            _ = buffer.setString(
                count, x: inner.maxX - countWidth, y: inner.y, style: theme.style("sidebar.meta"), clip: inner)
        }
        let listArea = Rect(
            x: inner.x, y: inner.y + Self.headerHeight, width: inner.width,
            height: max(0, inner.height - Self.headerHeight))
        guard !conversations.isEmpty else {
            _ = buffer.setString(
                " Nothing yet: send a", x: listArea.x, y: listArea.y, style: theme.style("sidebar.meta"), clip: listArea
            )
            _ = buffer.setString(
                " message to start one.", x: listArea.x, y: listArea.y + 1, style: theme.style("sidebar.meta"),
                clip: listArea)
            return
        }
        let items = conversations.map { conversation -> Line in
            let title =
                conversation.title.isEmpty
                ? "untitled" : TextSanitizer.sanitize(conversation.title, keepNewlines: false)
            let isOpen = conversation.id == openID
            return Line((isOpen ? "● " : "  ") + title, style: theme.style(isOpen ? "sidebar.active" : "sidebar.item"))
        }
        let view = ListView(
            items: items, style: theme.style("sidebar.item"),
            selectedStyle: focused ? theme.style("sidebar.selected") : theme.style("sidebar.item"))
        view.render(in: listArea, buffer: &buffer, state: &list)
    }
}
