import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Termination signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT) as events for the loop, so an app
/// can save its state and leave normally instead of dying in a signal handler.
///
/// The handler only writes the signal's number to a pipe (async-signal-safe); a background
/// thread reads it and calls `onSignal`, which should wake the loop (post to its inbox). No
/// store or terminal work happens in the handler. A loop that does not react (a third signal
/// arrives) is not waited for: the terminal is restored and the signal acts as by default.
///
/// ```swift
/// TerminalRestore.installHandlers(signals: [])      // crashes only
/// QuitSignals.install { sig in inbox.postQuit(sig) }
/// ```
/// After the loop ended, ``exit(after:)`` ends the process as the signal would have.
public enum QuitSignals {
    /// The signals turned into quit events.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    nonisolated(unsafe) static var writeEnd: Int32 = -1
    nonisolated(unsafe) static var received: Int32 = 0
    nonisolated(unsafe) static var installed = false

    /// How many signals the loop gets to act on before the next one ends the process at once.
    static let patience: Int32 = 2

    /// Installs the handlers (once) and starts the thread that reports them through `onSignal`.
    /// Call before starting other threads that could take the signals' default action.
    public static func install(_ signals: [Int32] = signals, onSignal: @escaping @Sendable (Int32) -> Void) {
        guard !installed else { return }
        installed = true
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        writeEnd = fds[1]
        let readEnd = fds[0]
        let reader = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n == 1 {
                    onSignal(Int32(byte))
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                return
            }
        }
        reader.name = "palaver.signals"
        reader.start()
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in signals where sig > 0 && sig < 64 {
            sigaddset(&unblock, sig)
            #if os(Linux)
                var action = sigaction()
                action.__sigaction_handler.sa_handler = quitHandler
                sigemptyset(&action.sa_mask)
                action.sa_flags = Int32(SA_RESTART | SA_ONSTACK)
                sigaction(sig, &action, nil)
            #else
                var action = sigaction()
                action.__sigaction_u.__sa_handler = quitHandler
                sigemptyset(&action.sa_mask)
                action.sa_flags = SA_RESTART | SA_ONSTACK
                sigaction(sig, &action, nil)
            #endif
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Ends the process as `signal` would have, after the app saved and gave the terminal back:
    /// SIGINT, SIGTERM and SIGHUP are raised again with their default action (the shell sees
    /// "terminated by"); SIGQUIT exits with 128 + 3 and no core dump.
    public static func exit(after sig: Int32) -> Never {
        if sig != SIGQUIT {
            _ = signal(sig, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, sig)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(sig)
        }
        #if canImport(Glibc)
            Glibc.exit(128 + sig)
        #else
            Darwin.exit(128 + sig)
        #endif
    }
}

/// Writes the signal to the pipe; on the third one, gives up on the loop.
private let quitHandler: @convention(c) (Int32) -> Void = { sig in
    let saved = errno
    QuitSignals.received += 1
    if QuitSignals.received > QuitSignals.patience {
        TerminalRestore.restore()
        _ = signal(sig, SIG_DFL)
        raise(sig)
        return
    }
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(QuitSignals.writeEnd, &byte, 1)
    errno = saved
}
