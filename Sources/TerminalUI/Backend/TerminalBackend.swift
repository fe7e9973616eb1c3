/// A terminal to draw on and read input from: a real one (``NCursesBackend``) or one in
/// memory for tests (``MemoryBackend``).
///
/// Backends are used from one thread: the loop that owns the screen. Only ``TerminalWaker``
/// may be used from other threads.
public protocol TerminalBackend: AnyObject {
    /// The screen size in cells.
    var size: Size { get }
    /// The colours the terminal shows; styles are downgraded to this depth when drawn.
    var colorDepth: ColorDepth { get }

    /// Takes over the terminal: raw mode, alternate screen, no echo, and the input modes in
    /// `options` (bracketed paste, mouse).
    func enter(_ options: TerminalOptions) throws
    /// Gives the terminal back as it was. Safe to call more than once.
    func leave()

    /// Blanks the whole screen.
    func clear()
    /// Writes runs of cells (skipping continuation cells).
    func draw(_ runs: [CellRun])
    /// Moves the cursor there and shows it, or hides it (nil).
    func setCursor(_ position: Position?)
    /// Sends everything written so far to the terminal.
    func flush()
    /// Writes a control sequence straight to the terminal, after what was drawn (for OSC 52
    /// clipboard writes). It must not move the cursor or change the screen.
    func writeSequence(_ bytes: [UInt8])

    /// The next input event, waiting at most `timeout` (nil: until an event comes or the
    /// waker fires). Returns nil on timeout or wake-up.
    func readEvent(timeout: Duration?) -> InputEvent?
    /// A handle that other threads use to make a waiting ``readEvent(timeout:)`` return.
    func makeWaker() -> TerminalWaker
}

extension TerminalBackend {
    /// Applies a whole screen update: clear if asked, write the runs, place the cursor, flush.
    public func apply(_ update: ScreenUpdate) {
        if update.clearsScreen { clear() }
        draw(update.runs)
        setCursor(update.cursor)
        flush()
    }
}

/// How the terminal is set up by ``TerminalBackend/enter(_:)``.
public struct TerminalOptions: Hashable, Sendable {
    /// Ask the terminal to mark pastes (`ESC [ ? 2004 h`), so a paste arrives as one event.
    public var bracketedPaste: Bool
    /// Ask the terminal for mouse button and wheel reports (SGR encoding, `?1000h` + `?1006h`).
    /// While on, selecting text with the mouse needs Shift in most terminals.
    public var mouse: Bool
    /// How long a lone Esc waits for the rest of an escape sequence before it counts as the
    /// Esc key (distinguishes Esc from Alt+key).
    public var escapeDelay: Duration
    /// Colours to use; nil picks from the terminal (and `NO_COLOR`).
    public var colorDepth: ColorDepth?

    public init(
        bracketedPaste: Bool = true, mouse: Bool = true, escapeDelay: Duration = .milliseconds(25),
        colorDepth: ColorDepth? = nil
    ) {
        self.bracketedPaste = bracketedPaste
        self.mouse = mouse
        self.escapeDelay = escapeDelay
        self.colorDepth = colorDepth
    }
}

/// Wakes a backend's ``TerminalBackend/readEvent(timeout:)`` from any thread, so the loop can
/// look at work that arrived from elsewhere (stream chunks, timers).
public struct TerminalWaker: Sendable {
    private let action: @Sendable () -> Void
    public init(_ action: @escaping @Sendable () -> Void) { self.action = action }
    public func wake() { action() }
}

/// A terminal that cannot be used.
public struct TerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
