import CNCursesW

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Puts the terminal back (leaves curses, the alternate screen, raw mode, bracketed paste and
/// mouse reporting, shows the cursor) on every way out of the process.
///
/// ``NCursesBackend`` arms it on ``NCursesBackend/enter(_:)`` and disarms it on
/// ``NCursesBackend/leave()``. The app should, once at start-up and *before* entering:
/// ```swift
/// TerminalRestore.installHandlers()   // SIGINT, SIGTERM, SIGHUP, SIGQUIT, crashes; and atexit
/// ```
/// and wrap its loop so thrown errors leave the terminal before they are printed:
/// ```swift
/// let backend = NCursesBackend()
/// try backend.enter(TerminalOptions())
/// defer { backend.leave() }
/// try runLoop(backend)               // a thrown error unwinds through the defer
/// ```
/// A signal then restores the terminal and ends the process with that same signal (so the
/// shell sees "terminated by SIGTERM"); a crash (trap, segfault) restores the terminal and
/// goes on to the previous handler (such as Swift's backtracer), whose report is then readable.
/// The handlers run on an alternate signal stack (``ensureAlternateStack()``), so a stack
/// overflow is restored from too;
/// `exit()` from anywhere restores it through `atexit`. In raw mode Ctrl+C is a key, not SIGINT.
///
/// An app that wants to save state on SIGTERM/SIGHUP instead leaves those signals out of
/// ``installHandlers(signals:crashSignals:atExit:)`` and installs ``QuitSignals``, which turns
/// them into quit events for the loop, so it can save and leave normally.
public enum TerminalRestore {
    /// The termination signals handled by default.
    public static let terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    /// The crash signals handled by default.
    public static let crashSignals: [Int32] = [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE]

    /// True while a backend has the terminal.
    nonisolated(unsafe) static var armed = false
    /// Bytes that turn off the input modes the backend turned on (fixed storage: readable
    /// from a signal handler without allocating).
    nonisolated(unsafe) static let resetBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
    nonisolated(unsafe) static var resetCount = 0
    nonisolated(unsafe) static var installed = false
    #if os(Linux)
        nonisolated(unsafe) static let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    #else
        nonisolated(unsafe) static let previousHandlers = UnsafeMutablePointer<sig_t?>.allocate(capacity: 65)
    #endif

    /// Restores the terminal if a backend has it; does nothing otherwise. Safe to call more
    /// than once, and (as ncurses itself does) from a signal handler.
    public static func restore() {
        guard armed else { return }
        armed = false
        if isendwin() == false { endwin() }
        writeReset()
    }

    /// Installs the handlers (once; later calls do nothing) and unblocks those signals on the
    /// calling thread. Call early (before starting threads) and before entering the terminal.
    public static func installHandlers(
        signals: [Int32] = terminationSignals, crashSignals crashes: [Int32] = crashSignals, atExit: Bool = true
    ) {
        guard !installed else { return }
        installed = true
        if atExit { atexit { TerminalRestore.restore() } }
        ensureAlternateStack()
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in signals + crashes where sig > 0 && sig < 65 {
            sigaddset(&unblock, sig)
            #if os(Linux)
                var action = sigaction()
                action.__sigaction_handler.sa_handler = restoringHandler
                sigemptyset(&action.sa_mask)
                // On the alternate stack: a stack overflow (SIGSEGV) leaves no room on the thread's own.
                action.sa_flags = Int32(SA_ONSTACK)
                sigaction(sig, &action, previousActions + Int(sig))
            #else
                previousHandlers[Int(sig)] = signal(sig, restoringHandler)
            #endif
        }
        // A parent may have left these blocked; on this thread (and threads it starts later) they are not.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The size of the alternate signal stack given to a thread that has none or a small one.
    static let alternateStackSize = 256 * 1024

    /// Gives the calling thread an alternate signal stack big enough for the restoring handler
    /// (leaving curses) and the Swift backtracer after it, so a crash by stack overflow still
    /// restores the terminal. The Swift runtime sets a small one up on the main thread when
    /// crash backtraces are on; a bigger one replaces it. Call on threads that may overflow.
    public static func ensureAlternateStack() {
        var current = stack_t()
        guard sigaltstack(nil, &current) == 0 else { return }
        if current.ss_sp != nil, current.ss_flags & Int32(SS_DISABLE) == 0, current.ss_size >= alternateStackSize {
            return
        }
        guard current.ss_flags & Int32(SS_ONSTACK) == 0 else { return } // running on it now
        guard let memory = mmap(nil, alternateStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            memory != MAP_FAILED
        else { return }
        var stack = stack_t()
        stack.ss_sp = memory
        stack.ss_size = alternateStackSize
        stack.ss_flags = 0
        if sigaltstack(&stack, nil) != 0 { munmap(memory, alternateStackSize) }
        // The stack it replaces (if any) stays mapped: another handler may still refer to it.
    }

    static func arm(reset: [UInt8]) {
        let n = min(reset.count, 64)
        for i in 0..<n { resetBytes[i] = reset[i] }
        resetCount = n
        armed = true
    }

    static func disarm() { armed = false }

    static func writeReset() {
        var offset = 0
        while offset < resetCount {
            let n = write(STDOUT_FILENO, resetBytes + offset, resetCount - offset)
            if n <= 0 { break }
            offset += n
        }
    }

    static func isFault(_ sig: Int32) -> Bool {
        sig == SIGILL || sig == SIGTRAP || sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE
    }
}

/// Restores the terminal, puts back the previous disposition of the signal and lets it act:
/// a fault re-runs the faulting instruction, other signals are raised again.
private let restoringHandler: @convention(c) (Int32) -> Void = { sig in
    TerminalRestore.restore()
    #if os(Linux)
        sigaction(sig, TerminalRestore.previousActions + Int(sig), nil)
    #else
        signal(sig, TerminalRestore.previousHandlers[Int(sig)] ?? SIG_DFL)
    #endif
    if !TerminalRestore.isFault(sig) { raise(sig) }
}
