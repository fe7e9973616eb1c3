import ChatCore
import Foundation
import TerminalUI

/// Lays out the transcript into styled rows and draws the visible part.
///
/// Each entry's rows are cached by width and content, so a frame during streaming re-wraps only
/// the reply that grows; everything else is reused.
public final class TranscriptLayout {
    private struct Cached {
        var width: Int
        var textCount: Int
        var state: TranscriptEntry.State
        var model: String?
        var usage: Usage?
        var version: TranscriptEntry.Version
        var lines: [Line]
    }

    private var cache: [Int: Cached] = [:]
    /// Replies that are streaming, rendered incrementally: only the text after the last
    /// completed Markdown block is parsed again for each delta.
    private var streams: [Int: (StreamingMarkdown, Int)] = [:]
    public var theme: Theme
    public var timeZone: TimeZone
    private let timeFormatter: DateFormatter

    public init(theme: Theme, timeZone: TimeZone = .current) {
        self.theme = theme
        self.timeZone = timeZone
        timeFormatter = DateFormatter()
        timeFormatter.locale = Locale(identifier: "en_US_POSIX")
        timeFormatter.timeZone = timeZone
        timeFormatter.dateFormat = "HH:mm"
    }

    /// Forgets every cached row (after a theme change).
    public func invalidate() {
        cache.removeAll()
        streams.removeAll()
    }

    /// The rows of `entries` for `width`: each entry's rows, then a blank row between entries.
    public func rows(for entries: [TranscriptEntry], width: Int) -> [[Line]] {
        var live = Set<Int>()
        let result = entries.map { entry -> [Line] in
            live.insert(entry.id)
            return lines(for: entry, width: width)
        }
        if cache.count > live.count + 64 { cache = cache.filter { live.contains($0.key) } }
        return result
    }

    /// The rows of one entry (cached).
    public func lines(for entry: TranscriptEntry, width: Int) -> [Line] {
        if let hit = cache[entry.id], hit.width == width, hit.textCount == entry.text.utf8.count,
            hit.state == entry.state,
            hit.model == entry.model, hit.usage == entry.usage, hit.version == entry.version
        {
            return hit.lines
        }
        let lines = layOut(entry, width: width)
        cache[entry.id] = Cached(
            width: width, textCount: entry.text.utf8.count, state: entry.state, model: entry.model,
            usage: entry.usage, version: entry.version, lines: lines)
        return lines
    }

    private func layOut(_ entry: TranscriptEntry, width: Int) -> [Line] {
        let isUser = entry.role == .user
        let textStyle = theme.style(isUser ? "transcript.user" : "transcript.assistant")
        var header = Line()
        header.append(
            isUser ? "▌You" : "▌Claude",
            style: theme.style(isUser ? "transcript.user.label" : "transcript.assistant.label"))
        var meta = [timeFormatter.string(from: entry.createdAt)]
        if !isUser, let model = entry.model, !model.isEmpty {
            meta.append(TextSanitizer.sanitize(model, keepNewlines: false))
        }
        if !isUser, let usage = entry.usage, let out = usage.outputTokens {
            meta.append("\(usage.inputTokens.map { "\($0) in · " } ?? "")\(out) out")
        }
        header.append(" · " + meta.joined(separator: " · "), style: theme.style("transcript.meta"))
        if entry.version.count > 1 {
            // One of several versions (an edited prompt, a regenerated reply): ↑ then ←/→ moves between them.
            header.append("  ‹ \(entry.version.label) ›", style: theme.style("transcript.meta"))
        }
        var lines = [TextLayout.truncate(header, width: width)]

        let indent = width > 8 ? 2 : 0
        let bodyWidth = max(1, width - indent)
        let pad = String(repeating: " ", count: indent)
        func add(_ text: String, style: Style) {
            for row in TextLayout.wrap(text, style: style, width: bodyWidth) {
                lines.append(Line([Span(pad, style: style)] + row.spans))
            }
        }
        if isUser {
            if !entry.text.isEmpty { add(TextSanitizer.sanitize(entry.text), style: textStyle) }
        } else if !entry.text.isEmpty {
            // Claude answers in Markdown (the renderer sanitises every text node itself).
            for row in markdown(entry, width: bodyWidth, style: textStyle) {
                lines.append(Line([Span(pad, style: textStyle)] + row.spans))
            }
        }
        let hasBody = lines.count > 1 // more than the header
        switch entry.state {
        case .complete:
            if !hasBody { add("(empty reply)", style: theme.style("transcript.meta")) }
        case .streaming:
            if !hasBody {
                add("…", style: theme.style("transcript.meta"))
            } else {
                lines[lines.count - 1].append("▍", style: theme.style("transcript.meta"))
            }
        case .pending(let reason):
            add("… " + (reason ?? "sending"), style: theme.style("transcript.pending"))
        case .interrupted(let reason):
            add("⚠ interrupted: " + TextSanitizer.sanitize(reason), style: theme.style("transcript.interrupted"))
        case .failed(let report):
            add("✗ " + TextSanitizer.sanitize(report), style: theme.style("transcript.error"))
            add("Your message is kept: Ctrl+R sends it again.", style: theme.style("transcript.pending"))
        }
        return lines
    }
}

extension TranscriptLayout {
    /// The reply's Markdown rows: incrementally while it streams, at once when it is complete.
    fileprivate func markdown(_ entry: TranscriptEntry, width: Int, style: Style) -> MarkdownRendering {
        guard entry.state == .streaming else {
            streams[entry.id] = nil
            return MarkdownRenderer(theme: theme, baseStyle: style).render(entry.text, width: width)
        }
        // A streaming reply only grows: feed the renderer the bytes it has not seen.
        let total = entry.text.utf8.count
        var (stream, seen) =
            streams.removeValue(forKey: entry.id)
            ?? (StreamingMarkdown(renderer: MarkdownRenderer(theme: theme, baseStyle: style)), 0)
        if total > seen {
            stream.append(String(entry.text.utf8.dropFirst(seen)) ?? "")
        } else if total < seen {
            stream = StreamingMarkdown(renderer: MarkdownRenderer(theme: theme, baseStyle: style), text: entry.text)
        }
        let rows = stream.lines(width: width)
        streams[entry.id] = (stream, total)
        return rows
    }
}

/// Draws the transcript rows into an area, scrolled, with the "more below" marker.
struct TranscriptView {
    var rows: [[Line]]
    var earlierCount: Int
    var emptyHint: [Line]
    var theme: Theme
    /// Search matches to highlight, by entry: row, column, width, whether it is the current one.
    var highlights: [Int: [(row: Int, column: Int, width: Int, current: Bool)]] = [:]

    /// Rows including the blank separators and the "earlier messages" line.
    var contentHeight: Int {
        rows.reduce(0) { $0 + $1.count } + max(0, rows.count - 1) + (earlierCount > 0 ? 2 : 0)
    }

    func render(in area: Rect, buffer: inout Buffer, scroll: ScrollState) {
        buffer.fill(area, with: Cell(" ", style: theme.style("transcript")))
        guard !rows.isEmpty else {
            let top = area.y + max(0, (area.height - emptyHint.count) / 2)
            for (i, line) in emptyHint.enumerated() where top + i < area.maxY {
                let clipped = TextLayout.truncate(line, width: area.width)
                _ = buffer.setLine(
                    clipped, x: area.x + max(0, (area.width - clipped.width) / 2), y: top + i, clip: area)
            }
            return
        }
        let height = contentHeight
        let offset = scroll.resolvedOffset(contentHeight: height, viewportHeight: area.height)
        var y = 0 // content row
        func emit(_ line: Line) {
            if y >= offset && y < offset + area.height {
                _ = buffer.setLine(line, x: area.x, y: area.y + y - offset, clip: area)
            }
            y += 1
        }
        if earlierCount > 0 {
            emit(
                Line(
                    "↑ \(earlierCount) earlier messages: scroll up to load them",
                    style: theme.style("transcript.notice")))
            emit(Line())
        }
        for (i, entry) in rows.enumerated() {
            if y >= offset + area.height { break }
            if i > 0 { emit(Line()) }
            if y + entry.count <= offset {
                y += entry.count
                continue
            }
            let first = y
            entry.forEach(emit)
            for h in highlights[i] ?? [] where first + h.row >= offset && first + h.row < offset + area.height {
                let style = theme.style(h.current ? "transcript.search.current" : "transcript.search.match")
                buffer.setStyle(
                    style,
                    in: Rect(x: area.x + h.column, y: area.y + first + h.row - offset, width: h.width, height: 1)
                        .intersection(area))
            }
        }
        if scroll.hasMoreBelow(contentHeight: height, viewportHeight: area.height) {
            let marker = Line(" ↓ more below · End jumps to the newest ", style: theme.style("transcript.more"))
            let line = TextLayout.truncate(marker, width: area.width)
            _ = buffer.setLine(line, x: area.maxX - line.width, y: area.maxY - 1, clip: area)
        }
    }
}
