/// What a draw closure renders into: the buffer, its area, and where the cursor goes.
public struct Frame {
    public var buffer: Buffer
    /// Where the real terminal cursor goes after drawing (nil hides it). Put it at the caret of
    /// the focused text field so input methods show their composition there.
    public var cursor: Position?

    public init(buffer: Buffer, cursor: Position? = nil) {
        self.buffer = buffer
        self.cursor = cursor
    }

    /// The whole screen.
    public var area: Rect { buffer.area }
    public var size: Size { buffer.size }
}

/// Owns the screen: draws frames through a backend, writing only what changed.
///
/// Use it from one thread (the loop that owns the screen).
public final class Terminal {
    public let backend: any TerminalBackend
    /// The frame on screen, as last drawn.
    public private(set) var lastFrame: Buffer?
    /// The last update sent to the backend.
    public private(set) var lastUpdate: ScreenUpdate?

    public init(backend: any TerminalBackend) {
        self.backend = backend
    }

    /// Forgets what is on screen: the next draw clears and repaints everything (use after the
    /// terminal may have been disturbed, or for a Ctrl+L style refresh).
    public func invalidate() { lastFrame = nil }

    /// Renders a frame at the backend's current size and writes the difference.
    ///
    /// A size change since the last frame gives a full redraw.
    @discardableResult
    public func draw(_ render: (inout Frame) throws -> Void) rethrows -> ScreenUpdate {
        var frame = Frame(buffer: Buffer(size: backend.size))
        try render(&frame)
        var cursor = frame.cursor
        if let c = cursor, !frame.area.contains(c) { cursor = nil }
        let update = Renderer.update(from: lastFrame, to: frame.buffer, cursor: cursor)
        backend.apply(update)
        lastFrame = frame.buffer
        lastUpdate = update
        return update
    }
}
