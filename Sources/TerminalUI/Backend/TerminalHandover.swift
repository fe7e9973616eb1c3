/// A terminal that can be lent to another program (an editor) and taken back.
///
/// ``suspend()`` puts the terminal back the way the shell had it (main screen, the shell's
/// line settings, cursor shown, bracketed paste and mouse reporting off) without forgetting the
/// screen; ``resume()`` takes it over again. The caller draws the whole screen again after
/// resuming (the other program drew over it); a resize that happened meanwhile arrives as a
/// ``InputEvent/resize(_:)`` event.
public protocol TerminalHandover: AnyObject {
    func suspend()
    func resume()
}

/// Nothing to lend: the memory backend has no terminal. Suspending and resuming change nothing,
/// so tests can run what runs between them (a scripted editor).
extension MemoryBackend: TerminalHandover {
    public func suspend() {}
    public func resume() {}
}
