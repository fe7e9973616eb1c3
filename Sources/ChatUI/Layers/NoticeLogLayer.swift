import ChatCore
import Foundation
import TerminalUI

/// Alt+N: every notice the status bar showed (and every retry), in full, each with its local time;
/// the newest at the bottom, errors in the error style. ↑/↓ PgUp/PgDn Home/End and the mouse wheel
/// scroll, Esc (or Alt+N again) closes. The composer is not touched.
struct NoticeLogLayer: Layer {
    /// Rows scrolled up from the bottom (0: the newest notice is the last row shown).
    var fromBottom = 0
    /// The notices' times are shown in this zone.
    var timeZone: TimeZone

    init(timeZone: TimeZone = .current) {
        self.timeZone = timeZone
    }

    static let title = "Notices"
    static let emptyText = "No notices yet: what the status bar shows is kept here."
    static let hintText = "↑↓ PgUp/PgDn Home/End · Esc closes"

    /// The inside of the box for a screen.
    static func frame(in area: Rect) -> Rect {
        ModalPainter.inner(width: min(area.width - 2, 100), height: area.height - 2, in: area)
    }

    /// Where the notices go: inside the box, above the hint.
    static func body(in area: Rect) -> Rect {
        let frame = frame(in: area)
        return Rect(x: frame.x + 1, y: frame.y, width: max(0, frame.width - 2), height: max(0, frame.height - 1))
    }

    /// The log as rows for a width: `HH:mm:ss` and the notice wrapped beside it, oldest first.
    static func lines(_ entries: [NoticeLog.Entry], width: Int, theme: Theme, timeZone: TimeZone) -> [Line] {
        guard !entries.isEmpty else {
            return TextLayout.wrap(emptyText, style: theme.style("modal.hint"), width: width)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "HH:mm:ss"
        let stamp = 9
        let textWidth = max(8, width - stamp)
        var lines: [Line] = []
        for entry in entries {
            let style = theme.style(entry.isError ? "modal.error" : "modal.text")
            let text = TextSanitizer.sanitize(entry.text, keepNewlines: true)
            let wrapped = TextLayout.wrap(text, style: style, width: textWidth)
            for (i, row) in (wrapped.isEmpty ? [Line()] : wrapped).enumerated() {
                let lead =
                    i == 0
                    ? Span(formatter.string(from: entry.at) + " ", style: theme.style("modal.hint"))
                    : Span(String(repeating: " ", count: stamp))
                lines.append(Line([lead] + row.spans))
            }
        }
        return lines
    }

    /// How far up the log can scroll on a screen this size.
    private func maxFromBottom(_ context: LayerContext) -> Int {
        let body = Self.body(in: Rect(size: context.size))
        let count = Self.lines(context.chat.noticeLog.entries, width: body.width, theme: Theme(), timeZone: timeZone)
            .count
        return max(0, count - body.height)
    }

    mutating func handle(_ event: InputEvent, context: inout LayerContext) -> LayerResult {
        let page = max(1, Self.body(in: Rect(size: context.size)).height - 1)
        let top = maxFromBottom(context)
        switch event {
        case .key(let key):
            switch (key.key, key.modifiers) {
            case (.escape, _), (.character("n"), .alt):
                return .close
            case (.up, _): fromBottom += 1
            case (.down, _): fromBottom -= 1
            case (.pageUp, _): fromBottom += page
            case (.pageDown, _): fromBottom -= page
            case (.home, _): fromBottom = top
            case (.end, _): fromBottom = 0
            default: break
            }
        case .mouse(let mouse):
            if mouse.kind == .scrollUp { fromBottom += 3 }
            if mouse.kind == .scrollDown { fromBottom -= 3 }
        case .paste, .resize:
            break
        }
        fromBottom = min(max(0, fromBottom), top)
        return .consumed
    }

    func render(in area: Rect, buffer: inout Buffer, context: RenderContext) -> Position? {
        let painter = ModalPainter(theme: context.theme)
        let entries = context.chat.noticeLog.entries
        let title = entries.isEmpty ? Self.title : "\(Self.title) (\(entries.count))"
        let frame = painter.modal(
            title, width: min(area.width - 2, 100), height: area.height - 2, in: area, buffer: &buffer)
        let body = Rect(x: frame.x + 1, y: frame.y, width: max(0, frame.width - 2), height: max(0, frame.height - 1))
        let lines = Self.lines(entries, width: body.width, theme: context.theme, timeZone: timeZone)
        let start = max(0, lines.count - body.height - min(fromBottom, max(0, lines.count - body.height)))
        for (i, line) in lines.dropFirst(start).prefix(body.height).enumerated() {
            _ = buffer.setLine(line, x: body.x, y: body.y + i, clip: body)
        }
        painter.hint(Self.hintText, frame: frame, buffer: &buffer)
        return nil
    }
}
