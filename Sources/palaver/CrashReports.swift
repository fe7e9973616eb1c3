import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Swift's crash reports for palaver: printed, never waited on.
///
/// On Linux the Swift runtime catches crashes and, when stdin and stdout are a terminal, offers
/// an interactive backtrace session, waiting 30 seconds for a key before it lets the process
/// end. A user of the full-screen chat (or of `ask` in a terminal) would sit in front of a
/// frozen screen. The runtime reads `SWIFT_BACKTRACE` once, before `main`, and protects its
/// settings after that, so the only way to change them is to run again with the variable set:
/// ``makeNonInteractive()`` does that (one `execv` of the same binary with the same arguments)
/// when the process would otherwise be interactive. A `SWIFT_BACKTRACE` that already says
/// `interactive=` is the user's choice and is kept.
enum CrashReports {
    /// The setting added to `SWIFT_BACKTRACE`.
    static let setting = "interactive=no"

    /// The `SWIFT_BACKTRACE` value to run with, or nil if `current` already chooses.
    static func value(adding current: String?) -> String? {
        guard let current, !current.isEmpty else { return setting }
        let keys = current.split(separator: ",").map {
            $0.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if keys.contains("interactive") { return nil }
        return current + "," + setting
    }

    /// Sets `SWIFT_BACKTRACE` so crash reports print and exit; runs the binary again with it
    /// when this process started interactive. Call first thing in `main`.
    static func makeNonInteractive() {
        #if os(Linux)
            // SIGQUIT is a request to quit, not a crash: the runtime's handler printed "Program
            // crashed" and let the process go on. Its default action ends the process (commands
            // that save state on it, such as the chat, install their own handler later).
            _ = signal(SIGQUIT, SIG_DFL)
            let current = getenv("SWIFT_BACKTRACE").map { String(cString: $0) }
            guard let value = value(adding: current) else { return }
            setenv("SWIFT_BACKTRACE", value, 1)
            // Without a terminal on both stdin and stdout the runtime is not interactive anyway:
            // the variable (inherited by anything palaver starts) is enough.
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return }
            // The same program and arguments; on failure this process simply goes on.
            _ = execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }
}
