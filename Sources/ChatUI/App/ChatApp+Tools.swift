import ChatCore
import Foundation
import SessionStore
import TerminalUI

/// Search in the open conversation, copying to the clipboard (OSC 52), and export.
extension ChatApp {
    // MARK: Search

    /// Finds every occurrence of the search text in the laid-out transcript (case-insensitive).
    mutating func updateSearch(keepCurrent: Bool = false) {
        guard var search = ui.search else { return }
        let width = screenLayout.transcript.width
        let query = search.editor.text
        let previous = search.current.flatMap { search.matches.indices.contains($0) ? search.matches[$0] : nil }
        search.matches = []
        search.width = width
        search.entryCount = chat.transcript.count
        if !query.isEmpty {
            for (e, rows) in layout.rows(for: chat.transcript, width: width).enumerated() {
                for (r, row) in rows.enumerated() {
                    let text = row.plainText
                    var from = text.startIndex
                    while let range = text.range(of: query, options: [.caseInsensitive, .diacriticInsensitive], range: from..<text.endIndex) {
                        search.matches.append(SearchMatch(entry: e, row: r, column: text[..<range.lowerBound].displayWidth,
                                                          width: text[range].displayWidth))
                        from = range.upperBound
                    }
                }
            }
        }
        if keepCurrent, let previous, let same = search.matches.firstIndex(of: previous) {
            search.current = same
        } else {
            search.current = search.matches.isEmpty ? nil : search.matches.count - 1 // the newest first
        }
        ui.search = search
        scrollToCurrentMatch()
    }

    /// Moves to the next (+1, newer) or previous (-1, older) match, wrapping around.
    mutating func stepSearch(_ step: Int) {
        guard var search = ui.search, !search.matches.isEmpty else { return }
        let count = search.matches.count
        search.current = ((search.current ?? count - 1) + step + count) % count
        ui.search = search
        scrollToCurrentMatch()
    }

    /// Scrolls so the current match sits in the middle of the transcript.
    mutating func scrollToCurrentMatch() {
        guard let search = ui.search, let i = search.current, search.matches.indices.contains(i) else { return }
        let match = search.matches[i]
        let rows = layout.rows(for: chat.transcript, width: search.width)
        var line = chat.earlierCount > 0 ? 2 : 0
        for e in 0..<match.entry { line += rows[e].count + 1 }
        line += match.row
        let viewport = screenLayout.transcript.height
        ui.scroll = ScrollState(offset: max(0, line - viewport / 2), followsBottom: false)
    }

    /// Keeps matches in step with the transcript and the width.
    mutating func refreshSearchIfNeeded() {
        guard let search = ui.search else { return }
        if search.width != screenLayout.transcript.width || search.entryCount != chat.transcript.count {
            updateSearch(keepCurrent: true)
        }
    }

    /// Highlights by entry: (row, column, width, is the current match).
    var searchHighlights: [Int: [(row: Int, column: Int, width: Int, current: Bool)]] {
        guard let search = ui.search else { return [:] }
        var result: [Int: [(row: Int, column: Int, width: Int, current: Bool)]] = [:]
        for (i, m) in search.matches.enumerated() {
            result[m.entry, default: []].append((m.row, m.column, m.width, i == search.current))
        }
        return result
    }

    // MARK: Copy

    /// What can be copied: each reply, each code block in it, each prompt (newest first).
    func copyItems() -> [CopyItem] {
        var items: [CopyItem] = []
        for entry in chat.transcript.reversed().prefix(40) where !entry.text.isEmpty {
            let first = entry.text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let preview = TextSanitizer.sanitize(String(first.prefix(60)), keepNewlines: false)
            switch entry.role {
            case .assistant:
                items.append(CopyItem(label: "Reply · \(preview)", text: entry.text, what: "the reply"))
                let blocks = MarkdownRenderer(theme: theme).render(entry.text, width: 200).codeBlocks
                for block in blocks.reversed() {
                    let line = block.code.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                    let language = block.language.map { TextSanitizer.sanitize($0, keepNewlines: false) } ?? "code"
                    items.append(CopyItem(label: "  Code (\(language)) · \(TextSanitizer.sanitize(String(line.prefix(50)), keepNewlines: false))",
                                          text: block.code, what: "the code block"))
                }
            case .user:
                items.append(CopyItem(label: "You · \(preview)", text: entry.text, what: "your message"))
            }
        }
        return items
    }

    /// Puts `text` on the clipboard through OSC 52 (unless config turned copying off).
    mutating func copy(_ text: String, what: String) {
        guard chat.settings.clipboard else {
            chat.show("Copying is off (clipboard = false in config.toml).", error: true)
            return
        }
        guard let sequence = Clipboard.osc52(text) else {
            chat.show("\(what) is too long for the terminal clipboard (over \(Clipboard.maximumBytes / 1000) KB): export it with F9.", error: true)
            return
        }
        ui.pendingSequence = sequence
        chat.show("Copied \(what) (\(text.count) characters) to the clipboard.", error: false)
    }

    /// Copies the last reply (Ctrl+Y).
    mutating func copyLastReply() {
        guard let reply = chat.transcript.last(where: { $0.role == .assistant && !$0.text.isEmpty }) else {
            chat.show("There is no reply to copy yet.", error: false)
            return
        }
        copy(reply.text, what: "the last reply")
    }

    // MARK: Export

    /// The effect that writes the open conversation to a file.
    mutating func export(_ format: ExportFormat) -> [ChatEffect] {
        guard let id = chat.conversation?.id else {
            chat.show("Nothing to export yet: this conversation has no messages.", error: false)
            return []
        }
        return [.export(id, format, directory: exportDirectory)]
    }
}
