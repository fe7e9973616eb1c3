/// A run of consecutive cells to write on one row, starting at (x, y).
///
/// A wide character's continuation cell is part of the run (so runs are contiguous); backends
/// skip it, as the terminal fills that column when it writes the wide character.
public struct CellRun: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cells: [Cell]

    public init(x: Int, y: Int, cells: [Cell]) {
        self.x = x
        self.y = y
        self.cells = cells
    }

    /// The run's text, for debugging and tests.
    public var text: String { String(cells.filter { !$0.isContinuation }.map(\.character)) }
}

/// Everything a backend must do to bring the screen from one frame to the next.
public struct ScreenUpdate: Hashable, Sendable {
    /// Clear the screen before writing (first frame, size change, or invalidation).
    public var clearsScreen: Bool
    /// The changed runs, row by row, left to right.
    public var runs: [CellRun]
    /// Where the terminal cursor goes; nil hides it.
    public var cursor: Position?

    /// Cells the update writes (continuation cells not counted).
    public var cellCount: Int { runs.reduce(0) { $0 + $1.cells.filter { !$0.isContinuation }.count } }
}

/// Compares frames and lists the cells to write.
public enum Renderer {
    /// The runs of cells that differ between two buffers of the same size.
    ///
    /// Each run is a maximal sequence of changed cells on one row. A changed continuation cell
    /// pulls in the wide character it belongs to, so a run never starts in the middle of one.
    public static func diff(from previous: Buffer, to next: Buffer) -> [CellRun] {
        precondition(previous.size == next.size, "diff needs buffers of one size")
        var runs: [CellRun] = []
        let w = next.width
        for y in 0..<next.height {
            var x = 0
            let base = y * w
            while x < w {
                if previous.cells[base + x] == next.cells[base + x] {
                    x += 1
                    continue
                }
                var start = x
                if next.cells[base + x].isContinuation, x > 0 { start = x - 1 }
                var end = x + 1
                while end < w, previous.cells[base + end] != next.cells[base + end] { end += 1 }
                // Never end on the first half of a wide character.
                if next.cells[base + end - 1].width == 2, end < w { end += 1 }
                if let last = runs.last, last.y == y, last.x + last.cells.count >= start {
                    let overlap = last.x + last.cells.count - start
                    runs[runs.count - 1].cells += next.cells[(base + start + overlap)..<(base + end)]
                } else {
                    runs.append(CellRun(x: start, y: y, cells: Array(next.cells[(base + start)..<(base + end)])))
                }
                x = end
            }
        }
        return runs
    }

    /// The update from `previous` (nil: nothing known about the screen) to `next`.
    ///
    /// With no previous frame, or one of another size, the screen is cleared and every cell
    /// that is not blank is written (a full redraw).
    public static func update(from previous: Buffer?, to next: Buffer, cursor: Position?) -> ScreenUpdate {
        if let previous, previous.size == next.size {
            return ScreenUpdate(clearsScreen: false, runs: diff(from: previous, to: next), cursor: cursor)
        }
        let blank = Buffer(width: next.width, height: next.height)
        return ScreenUpdate(clearsScreen: true, runs: diff(from: blank, to: next), cursor: cursor)
    }
}
