import ChatCore
import Foundation
import TerminalUI

/// Search in the open conversation, copying to the clipboard (OSC 52), and export.
extension ChatApp {
    // MARK: Search

    /// Opens the search field (under any dialog) on `query`, replacing one already open.
    mutating func openSearch(query: String) {
        ui.layers.removeAll { $0 is TranscriptSearchLayer }
        var layer = TranscriptSearchLayer()
        layer.search.editor.text = query
        layer.search.editor.moveToEnd()
        ui.layers.insert(layer, at: 0)
        if !query.isEmpty { updateSearch() }
    }

    /// Changes the open search's state, if a search is open.
    mutating func updateSearchLayer(_ change: (inout TranscriptSearch) -> Void) {
        guard let i = ui.layers.lastIndex(where: { $0 is TranscriptSearchLayer }),
            var layer = ui.layers[i] as? TranscriptSearchLayer
        else { return }
        change(&layer.search)
        ui.layers[i] = layer
    }

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
                    while let range = text.range(
                        of: query, options: [.caseInsensitive, .diacriticInsensitive], range: from..<text.endIndex)
                    {
                        search.matches.append(
                            SearchMatch(
                                entry: e, row: r, column: text[..<range.lowerBound].displayWidth,
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
        updateSearchLayer { $0 = search }
        scrollToCurrentMatch()
    }

    /// Moves to the next (+1, newer) or previous (-1, older) match, wrapping around.
    mutating func stepSearch(_ step: Int) {
        guard let search = ui.search, !search.matches.isEmpty else { return }
        let count = search.matches.count
        updateSearchLayer { $0.current = ((search.current ?? count - 1) + step + count) % count }
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

    /// Keeps matches in step with the transcript and the width (run after every change).
    mutating func refreshSearchIfNeeded() {
        guard let search = ui.search, !ScreenLayout.isTooSmall(ui.size) else { return }
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
                    items.append(
                        CopyItem(
                            label:
                                "  Code (\(language)) · \(TextSanitizer.sanitize(String(line.prefix(50)), keepNewlines: false))",
                            text: block.code, what: "the code block"))
                }
            case .user:
                items.append(CopyItem(label: "You · \(preview)", text: entry.text, what: "your message"))
            }
        }
        return items
    }

    /// Puts `text` on the clipboard: an OSC 52 sequence for the loop to send (unless config
    /// turned copying off).
    mutating func copy(_ text: String, what: String) -> Output {
        guard chat.settings.clipboard else {
            return notify("Copying is off (clipboard = false in config.toml).", error: true)
        }
        guard let sequence = Clipboard.osc52(text) else {
            return notify(
                "\(what) is too long for the terminal clipboard (over \(Clipboard.maximumBytes / 1000) KB): export it with F9.",
                error: true)
        }
        var output = notify("Copied \(what) (\(text.count) characters) to the clipboard.")
        output.ui.append(.writeToTerminal(sequence))
        return output
    }

    // MARK: Export

    /// The effect that writes the open conversation to a file.
    mutating func export(_ format: ExportFormat) -> Output {
        guard let id = chat.conversation?.id else {
            return notify("Nothing to export yet: this conversation has no messages.")
        }
        return Output(chat: [.export(id, format, directory: exportDirectory)])
    }
}
