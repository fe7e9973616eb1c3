import TerminalUI

/// Where each pane goes for a screen size.
public struct ScreenLayout: Equatable {
    public static let minimumWidth = 40
    public static let minimumHeight = 12
    /// Below this width the sidebar hides unless the user asks for it.
    public static let sidebarAutoWidth = 90

    public var screen: Rect
    public var sidebar: Rect?
    public var transcript: Rect
    /// The line above the composer (border and hints).
    public var composerBorder: Rect
    public var composer: Rect
    public var status: Rect

    /// Whether the screen is too small to lay out at all.
    public static func isTooSmall(_ size: Size) -> Bool {
        size.width < minimumWidth || size.height < minimumHeight
    }

    /// Whether the sidebar shows: the user's choice, else only on wide screens.
    public static func showsSidebar(choice: Bool?, width: Int) -> Bool {
        choice ?? (width >= sidebarAutoWidth)
    }

    /// The layout for `size`, with a composer whose text needs `composerLines` rows.
    public init(size: Size, sidebar: Bool, composerLines: Int) {
        screen = Rect(x: 0, y: 0, width: size.width, height: size.height)
        status = screen.row(size.height - 1)
        var main = Rect(x: 0, y: 0, width: size.width, height: size.height - 1)
        if sidebar {
            let width = min(34, max(20, size.width / 4), size.width / 2)
            self.sidebar = Rect(x: 0, y: 0, width: width, height: main.height)
            main = Rect(x: width, y: 0, width: size.width - width, height: main.height)
        } else {
            self.sidebar = nil
        }
        let composerHeight = max(1, min(composerLines, main.height / 3, 10))
        composer = Rect(
            x: main.x + 1, y: main.maxY - composerHeight, width: max(1, main.width - 2), height: composerHeight)
        composerBorder = Rect(x: main.x, y: composer.y - 1, width: main.width, height: 1)
        transcript = Rect(
            x: main.x + 1, y: main.y, width: max(1, main.width - 2), height: max(1, composerBorder.y - main.y))
    }

    /// The composer's text width, for wrapping and Up/Down.
    public static func composerWidth(size: Size, sidebar: Bool) -> Int {
        ScreenLayout(size: size, sidebar: sidebar, composerLines: 1).composer.width
    }
}
