import CNCursesW

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real terminal, through wide-character ncurses.
///
/// - Output: cells go through `setcchar` + `mvwadd_wch` with extended colour pairs allocated
///   on demand; colours are downgraded to what the terminal has (true colour on direct-colour
///   terminfo such as `xterm-direct`, else the 256 palette, 16 or 8 colours, nearest match;
///   monochrome when `NO_COLOR` is set or the terminal has no colours). The terminal default
///   colours are kept (`use_default_colors`). Strikethrough is not available in ncurses.
/// - Where libc's idea of a character's width differs from ``DisplayWidth`` (newer emoji,
///   VS16 sequences, flags), the cell is drawn so both agree on the columns: the plain
///   character and a space, or U+FFFD. A ZWJ sequence shows its first emoji (ncurses holds
///   one spacing character per cell).
/// - Input: keypad translation is off; `get_wch` delivers the raw characters, which
///   ``InputDecoder`` turns into events, with the escape delay from ``TerminalOptions``.
///   `KEY_RESIZE` becomes ``InputEvent/resize(_:)``. Waiting uses `poll` on stdin and a wake
///   pipe, so ``makeWaker()`` can interrupt it from another thread.
/// - Locale: `setlocale(LC_ALL, "")`, falling back to `C.UTF-8` for the character type when
///   the environment's locale is not UTF-8.
///
/// Use one backend at a time, from one thread. See ``TerminalRestore`` for exit paths.
public final class NCursesBackend: TerminalBackend, TerminalHandover {
    public private(set) var colorDepth: ColorDepth = .monochrome
    public private(set) var isEntered = false

    private var screen: OpaquePointer?
    private var options = TerminalOptions()
    private var decoder = InputDecoder()
    private var queue: [InputEvent] = []
    private var lastByteTime: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private var pairs: [Int64: Int32] = [:]
    private var colorNumbers: [Color: Int32] = [:]
    private var nextPair: Int32 = 1
    private var pairLimit: Int32 = 0
    private var defaultColors = true
    private var cursorShown: Bool?
    private let wake = WakePipe()
    /// The sequences that turn on the input modes of ``TerminalOptions`` (sent again on resume).
    private var enableModes = ""
    private var isSuspended = false

    public init() {}

    deinit { leave() }

    public var size: Size {
        guard isEntered else { return Size(width: 80, height: 24) }
        return Size(width: Int(cnc_cols()), height: Int(cnc_lines()))
    }

    // MARK: - Entering and leaving

    public func enter(_ options: TerminalOptions) throws {
        guard !isEntered else { return }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError("standard input and output must be a terminal")
        }
        NCursesBackend.useUTF8Locale()
        guard let screen = cnc_newterm_stdio() else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw TerminalError("cannot start curses on this terminal (TERM=\(term))")
        }
        self.screen = screen
        self.options = options
        let win = cnc_stdscr()
        raw()
        noecho()
        nonl()
        keypad(win, false)
        nodelay(win, true)
        meta(win, true)
        leaveok(win, false)
        scrollok(win, false)

        let noColor = getenv("NO_COLOR").map { String(cString: $0).isEmpty == false } ?? false
        // COLORS is known only after start_color: start with the most, then cap.
        var depth = options.colorDepth ?? (noColor ? .monochrome : .trueColor)
        if depth > .monochrome {
            if has_colors() && start_color() != cnc_err() {
                defaultColors = use_default_colors() != cnc_err()
                pairLimit = cnc_color_pairs()
                depth = min(depth, ColorDepth(colorCount: Int(cnc_colors())))
            } else {
                depth = .monochrome
            }
        }
        colorDepth = depth
        pairs = [:]
        colorNumbers = [:]
        nextPair = 1
        cursorShown = nil
        decoder = InputDecoder()
        queue = []

        wrefresh(win) // emits the alternate screen and clears it
        var enable = ""
        var reset = "\u{1B}[?25h"
        if options.bracketedPaste {
            enable += "\u{1B}[?2004h"
            reset += "\u{1B}[?2004l"
        }
        if options.mouse {
            enable += "\u{1B}[?1000h\u{1B}[?1006h"
            reset += "\u{1B}[?1006l\u{1B}[?1000l"
        }
        NCursesBackend.writeOut(enable)
        enableModes = enable
        isSuspended = false
        TerminalRestore.arm(reset: Array(reset.utf8))
        WakePipe.installWinchHandler(wake)
        isEntered = true
    }

    public func leave() {
        guard isEntered else { return }
        isEntered = false
        WakePipe.removeWinchHandler()
        TerminalRestore.restore()
        TerminalRestore.disarm()
        if let screen { delscreen(screen) }
        screen = nil
    }

    // MARK: - Lending the terminal

    /// Leaves curses for a while (`def_prog_mode` + `endwin`): the shell's tty settings, the
    /// main screen, the cursor shown, bracketed paste and mouse reporting off.
    public func suspend() {
        guard isEntered, !isSuspended else { return }
        isSuspended = true
        def_prog_mode()
        endwin()
        TerminalRestore.writeReset()
    }

    /// Takes the terminal back (`reset_prog_mode`, the alternate screen, the input modes again).
    /// The screen is cleared; the caller draws it all again. A size that changed meanwhile is
    /// passed to curses and queued as a resize event.
    public func resume() {
        guard isEntered, isSuspended else { return }
        isSuspended = false
        reset_prog_mode()
        let win = cnc_stdscr()
        wclear(win)
        wrefresh(win) // back on the alternate screen
        NCursesBackend.writeOut(enableModes)
        cursorShown = nil
        decoder = InputDecoder()
        var ws = winsize()
        let known = withUnsafeMutablePointer(to: &ws) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) } == 0
        if known, ws.ws_row > 0, ws.ws_col > 0, Int32(ws.ws_row) != cnc_lines() || Int32(ws.ws_col) != cnc_cols() {
            resizeterm(Int32(ws.ws_row), Int32(ws.ws_col))
            queue.append(.resize(size))
        }
    }

    // MARK: - Output

    public func clear() {
        guard isEntered else { return }
        wclear(cnc_stdscr())
    }

    public func draw(_ runs: [CellRun]) {
        guard isEntered else { return }
        let win = cnc_stdscr()
        var chars = [wchar_t](repeating: 0, count: 8)
        for run in runs {
            for (i, cell) in run.cells.enumerated() where !cell.isContinuation {
                let x = Int32(run.x + i)
                let y = Int32(run.y)
                let (attrs, pair) = attributes(for: cell.style)
                for (k, piece) in pieces(of: cell).enumerated() {
                    var n = 0
                    for scalar in piece where n < 5 {
                        chars[n] = wchar_t(bitPattern: scalar.value)
                        n += 1
                    }
                    chars[n] = 0
                    _ = cnc_put_cell_ext(win, y, x + Int32(k), chars, attrs, pair)
                }
            }
        }
    }

    public func setCursor(_ position: Position?) {
        guard isEntered else { return }
        if let position {
            _ = cnc_move(cnc_stdscr(), Int32(position.y), Int32(position.x))
            if cursorShown != true {
                curs_set(1)
                cursorShown = true
            }
        } else if cursorShown != false {
            curs_set(0)
            cursorShown = false
        }
    }

    public func flush() {
        guard isEntered else { return }
        wrefresh(cnc_stdscr())
    }

    public func writeSequence(_ bytes: [UInt8]) {
        guard isEntered else { return }
        wrefresh(cnc_stdscr())
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
    }

    /// What to hand ncurses for one cell, one entry per column: the cluster as ncurses can
    /// show it so that libc's width and ours agree.
    private func pieces(of cell: Cell) -> [[Unicode.Scalar]] {
        let scalars = Array(cell.character.unicodeScalars)
        guard let first = scalars.first else { return [[" "]] }
        let width = Int(cell.width)
        let libcWidth = Int(cnc_wcwidth(wchar_t(bitPattern: first.value)))
        if libcWidth == width {
            // One spacing character and the combining marks after it (not past a ZWJ).
            var piece = [first]
            for s in scalars.dropFirst() {
                if s.value == 0x200D || cnc_wcwidth(wchar_t(bitPattern: s.value)) != 0 { break }
                piece.append(s)
            }
            return [piece]
        }
        if width == 2, libcWidth == 1 {
            if scalars.count == 2, (0x1F1E6...0x1F1FF).contains(first.value),
                (0x1F1E6...0x1F1FF).contains(scalars[1].value)
            {
                return [[first], [scalars[1]]] // a flag: two regional indicators side by side
            }
            return [[first], [" "]]
        }
        return width == 2 ? [["\u{FFFD}"], [" "]] : [["\u{FFFD}"]]
    }

    private func attributes(for style: Style) -> (attr_t, Int32) {
        var a = cnc_a_normal()
        let s = style.attributes
        if s.contains(.bold) { a |= cnc_a_bold() }
        if s.contains(.dim) { a |= cnc_a_dim() }
        if s.contains(.italic) { a |= cnc_a_italic() }
        if s.contains(.underline) { a |= cnc_a_underline() }
        if s.contains(.reverse) { a |= cnc_a_reverse() }
        guard colorDepth > .monochrome else { return (a, 0) }
        var fg = cursesColor(style.foreground)
        var bg = cursesColor(style.background)
        if fg == -1 && bg == -1 { return (a, 0) }
        if !defaultColors {
            if fg == -1 { fg = 7 }
            if bg == -1 { bg = 0 }
        }
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        if let pair = pairs[key] { return (a, pair) }
        guard nextPair < pairLimit, init_extended_pair(nextPair, fg, bg) != cnc_err() else { return (a, 0) }
        pairs[key] = nextPair
        nextPair += 1
        return (a, nextPair - 1)
    }

    private func cursesColor(_ color: Color?) -> Int32 {
        guard let color else { return -1 }
        if let n = colorNumbers[color] { return n }
        let n = computeCursesColor(color.downgraded(to: colorDepth))
        colorNumbers[color] = n
        return n
    }

    private func computeCursesColor(_ color: Color) -> Int32 {
        switch color {
        case .default: return -1
        case .ansi(let c) where colorDepth < .trueColor || c.rawValue < 8: return Int32(c.rawValue)
        case .indexed(let i) where colorDepth < .trueColor || i < 8: return Int32(i)
        default:
            // Direct colour: the number is the RGB value (below 8 it would mean an ANSI colour).
            let (r, g, b) = color.rgbComponents
            return max(8, Int32(r) << 16 | Int32(g) << 8 | Int32(b))
        }
    }

    // MARK: - Input

    public func readEvent(timeout: Duration?) -> InputEvent? {
        guard isEntered else { return nil }
        let deadline = timeout.map { clock.now + $0 }
        while true {
            if !queue.isEmpty { return queue.removeFirst() }
            readAvailable()
            if !queue.isEmpty { continue }
            var wait: Duration? = deadline.map { max(.zero, $0 - clock.now) }
            if decoder.isWaitingForMore, let last = lastByteTime {
                let escapeWait = options.escapeDelay - last.duration(to: clock.now)
                if escapeWait <= .zero {
                    queue += decoder.flushPending()
                    continue
                }
                wait = min(wait ?? escapeWait, escapeWait)
            } else if let w = wait, w <= .zero {
                return nil
            }
            switch wake.waitForInput(stdin: STDIN_FILENO, timeout: wait) {
            case .woken: return nil
            case .input, .interrupted, .timedOut: continue
            }
        }
    }

    public func makeWaker() -> TerminalWaker {
        let wake = self.wake
        return TerminalWaker { wake.notify() }
    }

    /// Reads everything ncurses has without waiting and feeds it to the decoder.
    private func readAvailable() {
        var bytes: [UInt8] = []
        let win = cnc_stdscr()
        var ch: wint_t = 0
        while true {
            let r = cnc_get_wch(win, &ch)
            if r == cnc_err() { break }
            if r == cnc_key_code_yes() {
                if Int32(ch) == cnc_key_resize() {
                    flushBytes(&bytes)
                    queue.append(.resize(size))
                }
                continue
            }
            let scalar = Unicode.Scalar(UInt32(ch)) ?? "\u{FFFD}"
            bytes.append(contentsOf: String(scalar).utf8)
            if bytes.count >= 65536 { flushBytes(&bytes) }
        }
        flushBytes(&bytes)
    }

    private func flushBytes(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        queue += decoder.feed(bytes)
        lastByteTime = clock.now
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: - Helpers

    static func useUTF8Locale() {
        _ = cnc_setlocale_all()
        let codeset = cnc_codeset().map { String(cString: $0) } ?? ""
        if codeset.uppercased().replacingOccurrences("-", "") != "UTF8" {
            if cnc_setlocale_ctype("C.UTF-8") == 0 { _ = cnc_setlocale_ctype("C.utf8") }
        }
    }

    static func writeOut(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { break }
            offset += n
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        String(flatMap { $0 == target ? Array(replacement) : [$0] })
    }
}

/// A self-pipe: another thread (or the SIGWINCH handler) writes a byte to wake a `poll`.
///
/// Sendable as it holds only the two descriptors, fixed at creation.
final class WakePipe: Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    enum PollResult { case input, woken, interrupted, timedOut }

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    func notify() {
        var b: UInt8 = 1
        _ = write(writeEnd, &b, 1)
    }

    func waitForInput(stdin: Int32, timeout: Duration?) -> PollResult {
        var fds = [
            pollfd(fd: stdin, events: Int16(POLLIN), revents: 0),
            pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0),
        ]
        var ms: Int32 = -1
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000 // round up
            ms = Int32(clamping: max(0, total))
        }
        let r = poll(&fds, 2, ms)
        if r < 0 { return .interrupted }
        if r == 0 { return .timedOut }
        if fds[1].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
            // A resize wakes the pipe too: let the caller read KEY_RESIZE first.
            return fds[0].revents != 0 || WakePipe.takeWinch() ? .input : .woken
        }
        return .input
    }

    // SIGWINCH: chain to ncurses's handler (which makes get_wch return KEY_RESIZE) and wake
    // the poll, whichever thread the signal lands on.
    nonisolated(unsafe) private static var winchFD: Int32 = -1
    nonisolated(unsafe) private static var winchSeen: Int32 = 0
    nonisolated(unsafe) private static var previousWinch: (@convention(c) (Int32) -> Void)?
    nonisolated(unsafe) private static var winchInstalled = false

    static func installWinchHandler(_ pipe: WakePipe) {
        winchFD = pipe.writeEnd
        guard !winchInstalled else { return }
        winchInstalled = true
        let old = signal(SIGWINCH, winchHandler)
        let raw = unsafeBitCast(old, to: Int.self)
        previousWinch = raw == 0 || raw == 1 || raw == -1 ? nil : old
    }

    static func removeWinchHandler() {
        guard winchInstalled else { return }
        winchInstalled = false
        _ = signal(SIGWINCH, previousWinch ?? SIG_DFL)
        winchFD = -1
    }

    static func takeWinch() -> Bool {
        defer { winchSeen = 0 }
        return winchSeen != 0
    }

    private static let winchHandler: @convention(c) (Int32) -> Void = { sig in
        previousWinch?(sig)
        winchSeen = 1
        if winchFD >= 0 {
            var b: UInt8 = 2
            _ = write(winchFD, &b, 1)
        }
    }
}
