import ChatCore
import TerminalUI

/// The sidebar's filter on the terminal side: which conversations the sidebar lists, and
/// starting and ending the filter.
extension ChatApp {
    /// The filter typed in the sidebar, while one is on.
    var sidebarFilter: String? { ui.layer(SidebarFilterLayer.self)?.text }

    /// The conversations the sidebar lists: all, or those matching the filter. The sidebar's
    /// selection is an index into these.
    var sidebarConversations: [Conversation] {
        guard let filter = sidebarFilter else { return chat.conversations }
        return chat.conversations.filter { SidebarFilterLayer.matches($0, filter: filter) }
    }

    /// A key the sidebar has no binding for: a printable character starts the filter with it
    /// (typed letters never act as commands); true when it did.
    mutating func startSidebarFilter(with key: KeyEvent) -> Bool {
        guard ui.focus == .sidebar, sidebarFilter == nil else { return false }
        switch (key.key, key.modifiers) {
        case (.character(let c), []), (.character(let c), .shift):
            guard c != " " else { return false }
            push(SidebarFilterLayer(text: String(c)))
            ui.sidebarList.selected = sidebarConversations.isEmpty ? nil : 0
            ui.sidebarList.offset = 0
            return true
        default:
            return false
        }
    }

    /// The filter ends when the sidebar loses focus or hides.
    mutating func endSidebarFilterUnlessFocused() {
        guard sidebarFilter != nil, ui.focus != .sidebar || !showsSidebar else { return }
        ui.layers.removeAll { $0 is SidebarFilterLayer }
    }
}
