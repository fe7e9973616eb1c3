/// A place in a ``TextEditor``: a line and a grapheme-cluster index within it.
public struct TextPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: TextPosition, b: TextPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
    public var description: String { "\(line):\(column)" }
}

/// A multi-line text field: the text, a caret, editing by grapheme cluster, soft wrapping at
/// spaces, and scrolling that keeps the caret visible.
///
/// Pure value: the app keeps it in its state, sends it keys (``handle(_:width:)``) or calls the
/// editing methods, and renders it. ``render(in:buffer:)`` returns where the terminal cursor
/// must go, so input methods show their composition at the caret.
///
/// Up and Down move between wrapped rows; at the first row Up (and at the last row Down)
/// reports ``EditResult/atTop`` / ``EditResult/atBottom`` instead, so the app can recall
/// history. Home/End go to the start/end of the line (not the wrapped row).
///
/// Edits can be undone and redone (``undo()``, ``redo()``): typing is grouped a word at a time
/// (a run of characters typed at the caret, with the spaces after them, until a pause the app
/// reports with ``endUndoGroup()``), a run of Backspace or
/// Delete presses is one step, and every other edit (a paste, a line break, a word or line
/// deletion, ``deleteAll()``, ``replaceText(_:)``) is a step of its own. Setting ``text`` starts
/// a new history. The history keeps at most ``UndoHistory/maxSteps`` steps and
/// ``UndoHistory/maxBytes`` bytes of text, dropping the oldest.
public struct TextEditor: Hashable, Sendable {
    /// The text as lines of grapheme clusters.
    public private(set) var lines: [[Character]] = [[]]
    /// The caret; column `lines[line].count` is the end of the line.
    public private(set) var cursor = TextPosition(line: 0, column: 0)
    /// Shown in `placeholderStyle` while the text is empty.
    public var placeholder: String
    public var style: Style
    public var placeholderStyle: Style
    /// Columns a tab takes.
    public var tabWidth: Int
    /// The first wrapped row shown (kept up to date by rendering).
    public private(set) var scrollRow = 0
    /// The display column Up/Down aim for, kept while moving vertically.
    private var goalColumn: Int?
    /// What undo and redo go back and forth through.
    private var history = UndoHistory()

    public init(
        text: String = "", placeholder: String = "", style: Style = .plain,
        placeholderStyle: Style = Style(attributes: [.dim]), tabWidth: Int = 4
    ) {
        self.placeholder = placeholder
        self.style = style
        self.placeholderStyle = placeholderStyle
        self.tabWidth = tabWidth
        self.text = text
    }

    /// The whole text, lines joined by `\n`. Setting it puts the caret at the end and starts a
    /// new undo history (another text, such as another conversation's draft); to change the text
    /// as an edit that can be undone, use ``replaceText(_:)``.
    public var text: String {
        get { lines.map { String($0) }.joined(separator: "\n") }
        set {
            setText(newValue)
            history = UndoHistory()
        }
    }

    public var isEmpty: Bool { lines.count == 1 && lines[0].isEmpty }

    /// Characters (grapheme clusters) in the text, line breaks included.
    public var characterCount: Int { lines.reduce(lines.count - 1) { $0 + $1.count } }

    private mutating func setText(_ newValue: String) {
        lines = TextEditor.split(TextEditor.clean(newValue))
        cursor = TextPosition(line: lines.count - 1, column: lines[lines.count - 1].count)
        goalColumn = nil
        scrollRow = 0
    }

    // MARK: - Editing

    /// Inserts text at the caret (typing or a paste): CR LF and CR become line breaks, tabs
    /// stay, other control characters are dropped. Grapheme clusters merge across the caret
    /// (a combining mark joins the character before it).
    ///
    /// One undo step (a paste is undone at once); keys typed one by one (``handle(_:width:)``)
    /// are grouped by word instead.
    public mutating func insert(_ text: String) {
        recording(.other) { $0.insertRaw(text) }
    }

    private mutating func insertRaw(_ text: String) {
        let cleaned = TextEditor.clean(text)
        guard !cleaned.isEmpty else { return }
        let line = lines[cursor.line]
        let before = String(line[..<cursor.column])
        let after = String(line[cursor.column...])
        var inserted = TextEditor.split(before + cleaned)
        let caretLine = cursor.line + inserted.count - 1
        let caretColumn = inserted[inserted.count - 1].count
        inserted[inserted.count - 1] = Array(String(inserted[inserted.count - 1]) + after)
        lines.replaceSubrange(cursor.line...cursor.line, with: inserted)
        // A cluster may have merged with the text after the caret; keep the caret inside the line.
        cursor = TextPosition(line: caretLine, column: min(caretColumn, lines[caretLine].count))
        goalColumn = nil
    }

    /// Breaks the line at the caret.
    public mutating func insertNewline() { insert("\n") }

    /// Deletes the cluster before the caret (joining lines at a line start). False when at the start.
    @discardableResult
    public mutating func deleteBackward() -> Bool {
        var done = false
        recording(.deletingBackward) { done = $0.deleteBackwardRaw() }
        return done
    }

    private mutating func deleteBackwardRaw() -> Bool {
        goalColumn = nil
        if cursor.column > 0 {
            lines[cursor.line].remove(at: cursor.column - 1)
            cursor.column -= 1
            return true
        }
        guard cursor.line > 0 else { return false }
        let previous = lines[cursor.line - 1]
        lines[cursor.line - 1] = previous + lines[cursor.line]
        lines.remove(at: cursor.line)
        cursor = TextPosition(line: cursor.line - 1, column: previous.count)
        return true
    }

    /// Deletes the cluster after the caret (joining lines at a line end). False when at the end.
    @discardableResult
    public mutating func deleteForward() -> Bool {
        var done = false
        recording(.deletingForward) { done = $0.deleteForwardRaw() }
        return done
    }

    private mutating func deleteForwardRaw() -> Bool {
        goalColumn = nil
        if cursor.column < lines[cursor.line].count {
            lines[cursor.line].remove(at: cursor.column)
            return true
        }
        guard cursor.line + 1 < lines.count else { return false }
        lines[cursor.line] += lines[cursor.line + 1]
        lines.remove(at: cursor.line + 1)
        return true
    }

    /// Deletes back to the start of the word before the caret.
    public mutating func deleteWordBackward() {
        recording(.other) { e in
            let end = e.cursor
            e.moveWordLeft()
            e.delete(from: e.cursor, to: end)
        }
    }

    /// Deletes forward to the end of the word after the caret.
    public mutating func deleteWordForward() {
        recording(.other) { e in
            let start = e.cursor
            e.moveWordRight()
            let end = e.cursor
            e.cursor = start
            e.delete(from: start, to: end)
        }
    }

    /// Deletes from the start of the line to the caret.
    public mutating func deleteToLineStart() {
        recording(.other) { $0.delete(from: TextPosition(line: $0.cursor.line, column: 0), to: $0.cursor) }
    }

    /// Deletes from the caret to the end of the line (or the line break, at the end).
    public mutating func deleteToLineEnd() {
        recording(.other) { e in
            if e.cursor.column == e.lines[e.cursor.line].count {
                _ = e.deleteForwardRaw()
            } else {
                e.delete(from: e.cursor, to: TextPosition(line: e.cursor.line, column: e.lines[e.cursor.line].count))
            }
        }
    }

    /// Empties the editor and forgets its undo history.
    public mutating func clear() { text = "" }

    /// Deletes the whole text, as one step that ``undo()`` brings back.
    public mutating func deleteAll() {
        recording(.other) { $0.setText("") }
    }

    /// Replaces the whole text (the caret goes to the end), as one step that ``undo()`` reverts.
    public mutating func replaceText(_ newText: String) {
        recording(.other) { $0.setText(newText) }
    }

    // MARK: - Undo

    /// Undoes the last step; false when there is nothing to undo.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let step = history.popUndo() else { return false }
        history.redo.append(snapshot)
        restore(step)
        return true
    }

    /// Redoes the last undone step; false when there is nothing to redo.
    @discardableResult
    public mutating func redo() -> Bool {
        guard let step = history.redo.popLast() else { return false }
        history.push(snapshot)
        restore(step)
        return true
    }

    /// Ends the current run of typing or deleting: the next edit starts a new undo step (the
    /// app calls this after a pause in typing).
    public mutating func endUndoGroup() {
        history.group = nil
        history.groupEnd = nil
    }

    public var canUndo: Bool { !history.undo.isEmpty }
    public var canRedo: Bool { !history.redo.isEmpty }

    /// Types one character at the caret: a run of typing is one undo step, split at the start
    /// of each word.
    private mutating func type(_ c: Character) {
        let previous = cursor.column > 0 ? lines[cursor.line][cursor.column - 1] : nil
        let startsWord = !c.isWhitespace && (previous?.isWhitespace ?? true)
        recording(.typing, newStep: startsWord) { $0.insertRaw(String(c)) }
    }

    /// Runs an edit, recording the text before it as an undo step unless it continues the run
    /// of edits of the same `kind` (typing, deleting) that ended where the caret is.
    private mutating func recording(
        _ kind: UndoHistory.Kind, newStep: Bool = false, _ change: (inout TextEditor) -> Void
    ) {
        let continues = !newStep && kind != .other && history.group == kind && history.groupEnd == cursor
        let before = continues ? nil : snapshot
        let oldLines = lines
        change(&self)
        guard lines != oldLines else { return }
        if let before { history.push(before) }
        history.redo = []
        history.group = kind
        history.groupEnd = cursor
    }

    private var snapshot: UndoHistory.Snapshot {
        UndoHistory.Snapshot(text: text, cursor: cursor)
    }

    private mutating func restore(_ step: UndoHistory.Snapshot) {
        setText(step.text)
        setCursor(step.cursor)
        history.group = nil
        history.groupEnd = nil
    }

    private mutating func delete(from start: TextPosition, to end: TextPosition) {
        guard start < end else { return }
        let head = Array(lines[start.line][..<start.column])
        let tail = Array(lines[end.line][end.column...])
        lines.replaceSubrange(start.line...end.line, with: [head + tail])
        cursor = start
        goalColumn = nil
    }

    // MARK: - Moving

    public mutating func moveLeft() {
        goalColumn = nil
        if cursor.column > 0 {
            cursor.column -= 1
        } else if cursor.line > 0 {
            cursor = TextPosition(line: cursor.line - 1, column: lines[cursor.line - 1].count)
        }
    }

    public mutating func moveRight() {
        goalColumn = nil
        if cursor.column < lines[cursor.line].count {
            cursor.column += 1
        } else if cursor.line + 1 < lines.count {
            cursor = TextPosition(line: cursor.line + 1, column: 0)
        }
    }

    /// To the start of the word before the caret (across lines).
    public mutating func moveWordLeft() {
        goalColumn = nil
        if cursor.column == 0 {
            if cursor.line > 0 { cursor = TextPosition(line: cursor.line - 1, column: lines[cursor.line - 1].count) }
            return
        }
        let line = lines[cursor.line]
        var c = cursor.column
        while c > 0, !TextEditor.isWordCharacter(line[c - 1]) { c -= 1 }
        while c > 0, TextEditor.isWordCharacter(line[c - 1]) { c -= 1 }
        cursor.column = c
    }

    /// To the end of the word after the caret (across lines).
    public mutating func moveWordRight() {
        goalColumn = nil
        let line = lines[cursor.line]
        if cursor.column == line.count {
            if cursor.line + 1 < lines.count { cursor = TextPosition(line: cursor.line + 1, column: 0) }
            return
        }
        var c = cursor.column
        while c < line.count, !TextEditor.isWordCharacter(line[c]) { c += 1 }
        while c < line.count, TextEditor.isWordCharacter(line[c]) { c += 1 }
        cursor.column = c
    }

    public mutating func moveToLineStart() {
        goalColumn = nil
        cursor.column = 0
    }
    public mutating func moveToLineEnd() {
        goalColumn = nil
        cursor.column = lines[cursor.line].count
    }
    public mutating func moveToStart() {
        goalColumn = nil
        cursor = TextPosition(line: 0, column: 0)
    }
    public mutating func moveToEnd() {
        goalColumn = nil
        cursor = TextPosition(line: lines.count - 1, column: lines[lines.count - 1].count)
    }

    /// Puts the caret at a position (clamped to the text).
    public mutating func setCursor(_ position: TextPosition) {
        goalColumn = nil
        let line = min(max(0, position.line), lines.count - 1)
        cursor = TextPosition(line: line, column: min(max(0, position.column), lines[line].count))
    }

    /// Up one wrapped row at `width` columns; false (caret unmoved) on the first row.
    @discardableResult
    public mutating func moveUp(width: Int) -> Bool { moveVertically(by: -1, width: width) }

    /// Down one wrapped row at `width` columns; false (caret unmoved) on the last row.
    @discardableResult
    public mutating func moveDown(width: Int) -> Bool { moveVertically(by: 1, width: width) }

    private mutating func moveVertically(by delta: Int, width: Int) -> Bool {
        let rows = layout(width: width)
        let (row, x) = caretRow(in: rows, width: width)
        let target = row + delta
        guard target >= 0, target < rows.count else { return false }
        let goal = goalColumn ?? x
        let r = rows[target]
        let line = lines[r.line]
        var column = r.start
        var used = 0
        // The last position of a row that wraps is before its last cluster (its end is the next row's start).
        let lastColumn = r.end < line.count || r.isWrapped ? max(r.start, r.end - 1) : r.end
        while column < lastColumn {
            let w = cellWidth(line[column])
            if used + w > goal { break }
            used += w
            column += 1
        }
        cursor = TextPosition(line: r.line, column: column)
        goalColumn = goal
        return true
    }

    // MARK: - Keys

    /// What ``handle(_:width:)`` did with a key.
    public enum EditResult: Hashable, Sendable {
        case handled
        /// Not an editing key: the app decides (Enter, Tab, Esc, Ctrl+J, function keys…).
        case notHandled
        /// Up on the first row: the app may recall earlier input.
        case atTop
        /// Down on the last row: the app may recall later input.
        case atBottom
    }

    /// Applies the usual editing keys; `width` is the wrap width (for Up/Down).
    ///
    /// Printable characters insert; Backspace/Delete delete a cluster (with Ctrl or Alt, a
    /// word); Left/Right move by cluster (with Ctrl or Alt, by word); Home/End go to the line
    /// start/end (with Ctrl, the text start/end); Up/Down move by row. Also Ctrl+A, Ctrl+E
    /// (line start/end), Ctrl+U, Ctrl+K (delete to line start/end), Ctrl+W (delete word back),
    /// Alt+B, Alt+F (word left/right), Alt+D (delete word forward), Ctrl+_ and Ctrl+Z (undo),
    /// Alt+_ (redo). Check the app's own bindings first: anything else is ``EditResult/notHandled``.
    public mutating func handle(_ event: KeyEvent, width: Int) -> EditResult {
        let m = event.modifiers
        let word = m.contains(.control) || m.contains(.alt)
        switch event.key {
        case .character(let c) where m.isEmpty || m == .shift:
            type(c)
        case .character("_") where m == .control, .character("z") where m == .control: undo()
        case .character("_") where m == .alt: redo()
        case .character("a") where m == .control: moveToLineStart()
        case .character("e") where m == .control: moveToLineEnd()
        case .character("u") where m == .control: deleteToLineStart()
        case .character("k") where m == .control: deleteToLineEnd()
        case .character("w") where m == .control: deleteWordBackward()
        case .character("b") where m == .alt: moveWordLeft()
        case .character("f") where m == .alt: moveWordRight()
        case .character("d") where m == .alt: deleteWordForward()
        case .backspace: if word { deleteWordBackward() } else { deleteBackward() }
        case .delete: if word { deleteWordForward() } else { deleteForward() }
        case .left: if word { moveWordLeft() } else { moveLeft() }
        case .right: if word { moveWordRight() } else { moveRight() }
        case .home: if m.contains(.control) { moveToStart() } else { moveToLineStart() }
        case .end: if m.contains(.control) { moveToEnd() } else { moveToLineEnd() }
        case .up where m.isEmpty: return moveUp(width: width) ? .handled : .atTop
        case .down where m.isEmpty: return moveDown(width: width) ? .handled : .atBottom
        default:
            return .notHandled
        }
        return .handled
    }

    // MARK: - Layout

    /// One wrapped row: clusters `start..<end` of line `line`.
    public struct Row: Hashable, Sendable {
        public var line: Int
        public var start: Int
        public var end: Int
        /// True when the line goes on in the next row.
        public var isWrapped: Bool
    }

    /// The wrapped rows at `width` columns. A line wraps after the last space that fits (the
    /// space stays at the end of its row), or between clusters when a word is wider than the row.
    public func layout(width: Int) -> [Row] {
        let width = max(1, width)
        var rows: [Row] = []
        for (index, line) in lines.enumerated() {
            var start = 0
            var column = 0
            var lastBreak: Int?
            var i = 0
            while i < line.count {
                let w = cellWidth(line[i])
                if column + w > width, i > start {
                    if line[i] == " " {
                        rows.append(Row(line: index, start: start, end: i + 1, isWrapped: true))
                        start = i + 1
                        column = 0
                        lastBreak = nil
                        i += 1
                        continue
                    }
                    let next = lastBreak.flatMap { $0 > start ? $0 : nil } ?? i
                    rows.append(Row(line: index, start: start, end: next, isWrapped: true))
                    start = next
                    column = line[start..<i].reduce(0) { $0 + cellWidth($1) }
                    lastBreak = nil
                    continue
                }
                column += w
                if line[i] == " " { lastBreak = i + 1 }
                i += 1
            }
            rows.append(Row(line: index, start: start, end: line.count, isWrapped: false))
        }
        return rows
    }

    /// Rows the text takes at `width` columns (at least one; one more when the caret sits past
    /// a full last row).
    public func contentHeight(width: Int) -> Int {
        let rows = layout(width: width)
        return max(rows.count, caretRow(in: rows, width: width).row + 1)
    }

    /// The caret's wrapped row and display column at `width` columns.
    public func caretLocation(width: Int) -> (row: Int, column: Int) {
        caretRow(in: layout(width: width), width: width)
    }

    private func caretRow(in rows: [Row], width: Int) -> (row: Int, column: Int) {
        let width = max(1, width)
        for (index, r) in rows.enumerated() where r.line == cursor.line {
            let inRow = cursor.column >= r.start && (cursor.column < r.end || !r.isWrapped)
            guard inRow else { continue }
            let x = lines[r.line][r.start..<cursor.column].reduce(0) { $0 + cellWidth($1) }
            // Past a full last row: the caret shows at the start of the next row.
            return x >= width ? (index + 1, 0) : (index, x)
        }
        return (max(0, rows.count - 1), 0)
    }

    /// Draws the visible rows and returns where the terminal cursor goes (nil when the area is
    /// empty). Scrolls just enough to keep the caret visible.
    @discardableResult
    public mutating func render(in area: Rect, buffer: inout Buffer) -> Position? {
        guard !area.isEmpty else { return nil }
        buffer.clear(area, style: style)
        if isEmpty {
            scrollRow = 0
            if !placeholder.isEmpty {
                buffer.setLine(
                    TextLayout.truncate(Line(placeholder, style: placeholderStyle), width: area.width), x: area.x,
                    y: area.y, clip: area)
            }
            return Position(x: area.x, y: area.y)
        }
        let rows = layout(width: area.width)
        let caret = caretRow(in: rows, width: area.width)
        let total = max(rows.count, caret.row + 1)
        if caret.row < scrollRow { scrollRow = caret.row }
        if caret.row >= scrollRow + area.height { scrollRow = caret.row - area.height + 1 }
        scrollRow = min(max(0, scrollRow), max(0, total - area.height))
        for screenRow in 0..<area.height {
            let index = scrollRow + screenRow
            guard index < rows.count else { break }
            let r = rows[index]
            var text = ""
            for c in lines[r.line][r.start..<r.end] {
                if c == "\t" { text += String(repeating: " ", count: tabWidth) } else { text.append(c) }
            }
            buffer.setString(text, x: area.x, y: area.y + screenRow, clip: area)
        }
        return Position(x: area.x + caret.column, y: area.y + caret.row - scrollRow)
    }

    // MARK: - Helpers

    func cellWidth(_ c: Character) -> Int { c == "\t" ? tabWidth : DisplayWidth.of(c) }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// Line breaks to `\n`, control characters other than `\n` and tab dropped.
    static func clean(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = ""
        for c in text {
            switch c {
            case "\n", "\r\n", "\r", "\u{2028}", "\u{2029}": out.append("\n")
            case "\t": out.append("\t")
            default: if !DisplayWidth.isControl(c) { out.append(c) }
            }
        }
        return out
    }

    static func split(_ text: String) -> [[Character]] {
        var lines: [[Character]] = [[]]
        for c in text {
            if c == "\n" { lines.append([]) } else { lines[lines.count - 1].append(c) }
        }
        return lines
    }
}

/// A ``TextEditor``'s undo and redo steps: the text and caret before each step.
public struct UndoHistory: Hashable, Sendable {
    /// At most this many steps are kept.
    public static let maxSteps = 200
    /// At most this many bytes (UTF-8) of text are kept over all steps.
    public static let maxBytes = 4 << 20

    struct Snapshot: Hashable, Sendable {
        var text: String
        var cursor: TextPosition
    }

    /// What kind of edit the current group is: typing and deleting runs continue one step.
    enum Kind: Hashable, Sendable {
        case typing
        case deletingBackward
        case deletingForward
        case other
    }

    var undo: [Snapshot] = []
    var redo: [Snapshot] = []
    var group: Kind?
    /// Where the caret was after the group's last edit: an edit elsewhere starts a new step.
    var groupEnd: TextPosition?
    private var bytes = 0

    mutating func push(_ step: Snapshot) {
        undo.append(step)
        bytes += step.text.utf8.count
        while undo.count > Self.maxSteps || (bytes > Self.maxBytes && undo.count > 1) {
            bytes -= undo.removeFirst().text.utf8.count
        }
    }

    mutating func popUndo() -> Snapshot? {
        guard let step = undo.popLast() else { return nil }
        bytes -= step.text.utf8.count
        return step
    }
}
