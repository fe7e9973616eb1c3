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
/// goes on to the previous handler (such as Swift's backtracer), whose report is then readable;
/// `exit()` from anywhere restores it through `atexit`. In raw mode Ctrl+C is a key, not SIGINT.
///
/// An app that wants to save state on SIGTERM/SIGHUP instead can leave those signals out of
/// ``installHandlers(signals:crashSignals:atExit:)``, catch them itself (for example with a
/// `DispatchSourceSignal` after `signal(SIGTERM, SIG_IGN)`), turn them into a quit event for
/// the loop, and leave normally.
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
    public static func installHandlers(signals: [Int32] = terminationSignals, crashSignals crashes: [Int32] = crashSignals, atExit: Bool = true) {
        guard !installed else { return }
        installed = true
        if atExit { atexit { TerminalRestore.restore() } }
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in signals + crashes where sig > 0 && sig < 65 {
            sigaddset(&unblock, sig)
            #if os(Linux)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = restoringHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, previousActions + Int(sig))
            #else
            previousHandlers[Int(sig)] = signal(sig, restoringHandler)
            #endif
        }
        // A parent may have left these blocked; on this thread (and threads it starts later) they are not.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
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
