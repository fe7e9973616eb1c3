import Foundation
import Synchronization

/// A terminal in memory, for tests: it keeps the screen as a ``Buffer``, records what was
/// written, and plays back input events that the test injects.
///
/// Writes behave as on a real terminal: a wide character covers two columns, and writing
/// over either half of one blanks the other half. So a screen that looks right here looks
/// right on a terminal that agrees with ``DisplayWidth``.
public final class MemoryBackend: TerminalBackend {
    /// What the screen shows.
    public private(set) var screen: Buffer
    /// Where the cursor is, or nil when hidden.
    public private(set) var cursor: Position?
    public var colorDepth: ColorDepth
    /// The options of the last ``enter(_:)``, or nil when not entered.
    public private(set) var options: TerminalOptions?
    public var isEntered: Bool { options != nil }

    /// The runs of every ``draw(_:)`` call, oldest first.
    public private(set) var drawLog: [[CellRun]] = []
    public private(set) var clearCount = 0
    public private(set) var flushCount = 0
    /// How often ``makeWaker()``'s wakers fired.
    public var wakeCount: Int { wakes.count }

    private var events: [InputEvent] = []
    private var decoder = InputDecoder()
    private let wakes = WakeCounter()

    public init(width: Int, height: Int, colorDepth: ColorDepth = .trueColor) {
        screen = Buffer(width: width, height: height)
        self.colorDepth = colorDepth
    }

    // MARK: TerminalBackend

    public var size: Size { screen.size }

    public func enter(_ options: TerminalOptions) throws { self.options = options }
    public func leave() { options = nil }

    public func clear() {
        clearCount += 1
        screen.clear()
    }

    public func draw(_ runs: [CellRun]) {
        drawLog.append(runs)
        for run in runs {
            for (i, cell) in run.cells.enumerated() where !cell.isContinuation {
                var c = cell
                c.style = cell.style.downgraded(to: colorDepth)
                screen.write(c, x: run.x + i, y: run.y)
            }
        }
    }

    public func setCursor(_ position: Position?) { cursor = position }
    public func flush() { flushCount += 1 }
    /// Sequences written with ``writeSequence(_:)``, in order.
    public private(set) var sequences: [[UInt8]] = []
    public func writeSequence(_ bytes: [UInt8]) { sequences.append(bytes) }

    /// The next injected event; never waits.
    public func readEvent(timeout: Duration?) -> InputEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    public func makeWaker() -> TerminalWaker {
        let wakes = self.wakes
        return TerminalWaker { wakes.increment() }
    }

    // MARK: Test controls

    /// Queues events for ``readEvent(timeout:)``.
    public func inject(_ events: InputEvent...) { self.events += events }
    public func inject(_ events: [InputEvent]) { self.events += events }

    /// Queues what the decoder makes of these bytes (as if typed), flushing a trailing Esc.
    public func inject(bytes: [UInt8]) {
        events += decoder.feed(bytes)
        events += decoder.flushPending()
    }

    /// Queues a key press.
    public func inject(key: KeyEvent) { events.append(.key(key)) }

    /// Changes the screen size, as a terminal window does (contents cut or padded), and queues
    /// a resize event.
    public func resize(width: Int, height: Int) {
        screen.resize(width: width, height: height)
        events.append(.resize(Size(width: width, height: height)))
    }

    /// The screen rows as plain text (full width).
    public func lines() -> [String] { screen.lines() }
    /// The screen as text, trailing spaces removed from each row.
    public var text: String { screen.text }
    /// The screen with styles, for snapshots (see ``Buffer/styledText()``).
    public func styledText() -> String { screen.styledText() }
    /// The screen as text with the cursor drawn as `▏` before the cell it is on (when visible).
    public var textWithCursor: String {
        guard let cursor, cursor.y < screen.height else { return text }
        var lines = screen.lines()
        var row = ""
        var column = 0
        for cell in screen.row(cursor.y) where !cell.isContinuation {
            if column == cursor.x { row += "▏" }
            row.append(cell.character)
            column += Int(cell.width)
        }
        if cursor.x >= column { row += "▏" }
        lines[cursor.y] = row
        return lines.map { line in
            var l = Substring(line)
            while l.last == " " { l.removeLast() }
            return String(l)
        }.joined(separator: "\n")
    }
}

/// Counts wake-ups from any thread.
final class WakeCounter: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }
    func increment() { value.add(1, ordering: .relaxed) }
}
