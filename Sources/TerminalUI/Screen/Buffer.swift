/// A width × height grid of cells: what one frame of the screen shows.
///
/// Widgets draw into a buffer; the ``Renderer`` compares it with the previous frame's buffer.
/// The buffer keeps wide characters whole: writing over either half of a wide character blanks
/// the other half, and a wide character that does not fit at the right edge of the clip
/// becomes a space. Control characters never enter a buffer (they are drawn as U+FFFD) and
/// zero-width clusters on their own are dropped.
public struct Buffer: Hashable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    /// The cells, row by row.
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, filledWith cell: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: cell, count: self.width * self.height)
    }

    public init(size: Size) { self.init(width: size.width, height: size.height) }

    /// The whole buffer as a rectangle at (0, 0).
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }
    public var size: Size { Size(width: width, height: height) }

    /// The cell at a position inside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "cell (\(x), \(y)) outside \(width)×\(height)")
        return cells[y * width + x]
    }

    /// The cell at a position, or nil outside the buffer.
    public func cell(x: Int, y: Int) -> Cell? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        return cells[y * width + x]
    }

    /// The cells of one row.
    public func row(_ y: Int) -> ArraySlice<Cell> { cells[(y * width)..<(y * width + width)] }

    // MARK: - Writing text

    /// Draws text from (x, y), clipped to `clip` (default: the whole buffer).
    ///
    /// Each grapheme cluster is laid over the cell's style (`style`'s colours win where set).
    /// Newlines and control characters are drawn as U+FFFD, tabs as one space.
    /// - Returns: the columns used, from `x` to the end of the last character drawn inside
    ///   the clip.
    @discardableResult
    public mutating func setString(
        _ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil
    ) -> Int {
        let bounds = (clip ?? area).intersection(area)
        guard y >= bounds.minY, y < bounds.maxY else { return 0 }
        var column = x
        for c in text {
            guard column < bounds.maxX else { break }
            let (character, w) = Buffer.drawable(c)
            if w == 0 { continue }
            if column < bounds.minX {
                // Left of the clip: skip; a wide character cut in half leaves a space.
                if column + w > bounds.minX { put(" ", width: 1, x: bounds.minX, y: y, style: style) }
                column += w
                continue
            }
            if column + w > bounds.maxX {
                put(" ", width: 1, x: column, y: y, style: style)
                column += 1
                break
            }
            put(character, width: w, x: column, y: y, style: style)
            column += w
        }
        return max(0, min(column, bounds.maxX) - x)
    }

    /// Draws styled spans from (x, y), clipped to `clip`; returns the columns used.
    @discardableResult
    public mutating func setSpans(_ spans: [Span], x: Int, y: Int, clip: Rect? = nil) -> Int {
        var column = x
        for span in spans {
            column += setString(span.text, x: column, y: y, style: span.style, clip: clip)
            if let clip, column >= clip.maxX { break }
        }
        return column - x
    }

    /// Draws a line from (x, y), clipped to `clip`; returns the columns used.
    @discardableResult
    public mutating func setLine(_ line: Line, x: Int, y: Int, clip: Rect? = nil) -> Int {
        setSpans(line.spans, x: x, y: y, clip: clip)
    }

    // MARK: - Regions

    /// Replaces every cell of the region with `cell` (a narrow character).
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        let narrow = cell.width == 1 ? cell : Cell(" ", style: cell.style)
        repairEdges(of: r)
        for y in r.minY..<r.maxY {
            for x in r.minX..<r.maxX { cells[y * width + x] = narrow }
        }
    }

    /// Blanks the region, giving it `style` (replacing whatever was there).
    public mutating func clear(_ rect: Rect, style: Style = .plain) {
        fill(rect, with: Cell(" ", style: style))
    }

    /// Blanks the whole buffer.
    public mutating func clear() { cells = Array(repeating: .blank, count: width * height) }

    /// Lays `style` over the style of every cell in the region (text stays).
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.minY..<r.maxY {
            for x in r.minX..<r.maxX { cells[y * width + x].style = cells[y * width + x].style.patched(with: style) }
        }
    }

    /// Resizes the buffer, keeping the cells that still fit (wide characters cut at the new right edge become spaces).
    public mutating func resize(width newWidth: Int, height newHeight: Int) {
        var next = Buffer(width: newWidth, height: newHeight)
        for y in 0..<min(height, next.height) {
            for x in 0..<min(width, next.width) {
                let c = self[x, y]
                if c.isContinuation { continue }
                if c.width == 2 && x + 1 >= next.width {
                    next.cells[y * next.width + x] = Cell(" ", style: c.style)
                } else {
                    next.put(c.character, width: Int(c.width), x: x, y: y, style: c.style, replacingStyle: true)
                }
            }
        }
        self = next
    }

    // MARK: - Cells

    /// Writes one cluster of the given width (1 or 2) at (x, y), keeping wide characters whole:
    /// a wide character cut by this write becomes a space. This is also how a terminal behaves.
    mutating func put(_ character: Character, width w: Int, x: Int, y: Int, style: Style, replacingStyle: Bool = false)
    {
        guard y >= 0, y < height, x >= 0, x < width else { return }
        let i = y * width + x
        let old = cells[i]
        if old.isContinuation, x > 0 {
            cells[i - 1] = Cell(character: " ", style: cells[i - 1].style, width: 1)
        }
        if old.width == 2, x + 1 < width, w == 1 {
            cells[i + 1] = Cell(character: " ", style: cells[i + 1].style, width: 1)
        }
        let newStyle = replacingStyle ? style : old.style.patched(with: style)
        if w == 2 {
            guard x + 1 < width else {
                cells[i] = Cell(character: " ", style: newStyle, width: 1)
                return
            }
            let next = cells[i + 1]
            if next.width == 2, x + 2 < width {
                cells[i + 2] = Cell(character: " ", style: cells[i + 2].style, width: 1)
            }
            cells[i] = Cell(character: character, style: newStyle, width: 2)
            cells[i + 1] = .continuation(style: replacingStyle ? style : next.style.patched(with: style))
        } else {
            cells[i] = Cell(character: character, style: newStyle, width: 1)
        }
    }

    /// Writes a whole cell (as a terminal would: see ``put(_:width:x:y:style:replacingStyle:)``).
    mutating func write(_ cell: Cell, x: Int, y: Int) {
        guard !cell.isContinuation else { return }
        put(cell.character, width: Int(cell.width), x: x, y: y, style: cell.style, replacingStyle: true)
    }

    /// Before a region is overwritten, blanks the halves of wide characters that stick out of it.
    private mutating func repairEdges(of r: Rect) {
        for y in r.minY..<r.maxY {
            let left = y * width + r.minX
            if cells[left].isContinuation, r.minX > 0 {
                cells[left - 1] = Cell(character: " ", style: cells[left - 1].style, width: 1)
            }
            let right = y * width + r.maxX - 1
            if cells[right].width == 2, r.maxX < width {
                cells[right + 1] = Cell(character: " ", style: cells[right + 1].style, width: 1)
            }
        }
    }

    /// What a cluster is drawn as, and its width (0: dropped).
    static func drawable(_ c: Character) -> (Character, Int) {
        if c == "\t" { return (" ", 1) }
        if DisplayWidth.isControl(c) { return (TextSanitizer.replacement, 1) }
        return (c, DisplayWidth.of(c))
    }
}
