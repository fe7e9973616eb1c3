import ChatCore
import Foundation
import TerminalUI

/// The conversation list on the left: titles, newest first, the open one marked, each with its
/// date and (when there is room) its model; a filter typed in the sidebar shows under the heading.
struct SidebarView {
    var conversations: [Conversation]
    var total: Int
    var openID: ConversationID?
    var focused: Bool
    var theme: Theme
    /// The title filter being typed (nil: none; `conversations` are already filtered).
    var filter: String?
    /// Dates are shown relative to this day, in this zone.
    var now = Date()
    var timeZone: TimeZone = .current

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
        let count =
            filter != nil || total > conversations.count ? "\(conversations.count)/\(total)" : "\(total)"
        let countWidth = count.displayWidth + 1
        if inner.width > heading.displayWidth + countWidth {
            _ = buffer.setString(
                count, x: inner.maxX - countWidth, y: inner.y, style: theme.style("sidebar.meta"), clip: inner)
        }
        let listArea = Rect(
            x: inner.x, y: inner.y + Self.headerHeight, width: inner.width,
            height: max(0, inner.height - Self.headerHeight))
        if let filter {
            var line = Line(" filter: ", style: theme.style("sidebar.meta"))
            line.append(TextSanitizer.sanitize(filter, keepNewlines: false), style: theme.style("sidebar.title"))
            line.append("▏ Esc clears", style: theme.style("sidebar.meta"))
            _ = buffer.setLine(TextLayout.truncate(line, width: inner.width), x: inner.x, y: inner.y + 1, clip: inner)
            if conversations.isEmpty {
                _ = buffer.setString(
                    " No title matches.", x: listArea.x, y: listArea.y, style: theme.style("sidebar.meta"),
                    clip: listArea)
                return
            }
        }
        guard !conversations.isEmpty else {
            _ = buffer.setString(
                " Nothing yet: send a", x: listArea.x, y: listArea.y, style: theme.style("sidebar.meta"), clip: listArea
            )
            _ = buffer.setString(
                " message to start one.", x: listArea.x, y: listArea.y + 1, style: theme.style("sidebar.meta"),
                clip: listArea)
            return
        }
        let items = conversations.map { row($0, width: listArea.width) }
        let view = ListView(
            items: items, style: theme.style("sidebar.item"),
            selectedStyle: focused ? theme.style("sidebar.selected") : theme.style("sidebar.item"))
        view.render(in: listArea, buffer: &buffer, state: &list)
    }

    /// The narrowest a title is cut to before the date is left out (the model shows only beside a whole title).
    static let minimumTitleWidth = 10

    /// One conversation: the open mark and title, then at the right its date and short model when
    /// the whole title fits beside them, else its date when at least ``minimumTitleWidth``
    /// columns of title do.
    func row(_ conversation: Conversation, width: Int) -> Line {
        let title =
            conversation.title.isEmpty ? "untitled" : TextSanitizer.sanitize(conversation.title, keepNewlines: false)
        let isOpen = conversation.id == openID
        let style = theme.style(isOpen ? "sidebar.active" : "sidebar.item")
        let titleLine = Line((isOpen ? "● " : "  ") + title, style: style)
        let date = Self.dateText(conversation.updatedAt, now: now, timeZone: timeZone)
        let model = Self.shortModel(conversation.model)
        // The model only beside a whole title; the date beside at least a few words of it.
        let candidates = [
            (model.isEmpty ? date : date + " · " + model, titleLine.width), (date, Self.minimumTitleWidth + 2),
        ]
        for (meta, needed) in candidates {
            let metaWidth = meta.displayWidth + 2 // a space before, one after
            guard width - metaWidth >= needed else { continue }
            var line = TextLayout.truncate(titleLine, width: width - metaWidth)
            line.append(String(repeating: " ", count: max(0, width - metaWidth - line.width) + 1), style: style)
            line.append(meta + " ", style: theme.style("sidebar.meta"))
            return line
        }
        return titleLine
    }

    /// `14:02` today, `Nov 3` earlier this year, `2025-11-02` before.
    static func dateText(_ date: Date, now: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        if calendar.isDate(date, inSameDayAs: now) {
            formatter.dateFormat = "HH:mm"
        } else if calendar.component(.year, from: date) == calendar.component(.year, from: now) {
            formatter.dateFormat = "MMM d"
        } else {
            formatter.dateFormat = "yyyy-MM-dd"
        }
        return formatter.string(from: date)
    }

    /// A model id without the `claude-` prefix and a date suffix: `sonnet-4-5`.
    static func shortModel(_ model: String) -> String {
        var short = TextSanitizer.sanitize(model, keepNewlines: false)
        if short.hasPrefix("claude-") { short.removeFirst(7) }
        if let dash = short.lastIndex(of: "-"), short[short.index(after: dash)...].count == 8,
            short[short.index(after: dash)...].allSatisfy(\.isNumber)
        {
            short = String(short[..<dash])
        }
        if short.hasSuffix("-latest") { short.removeLast(7) }
        return short.count > 16 ? String(short.prefix(15)) + "…" : short
    }
}
