import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who owns a streaming row: a pid, and on Linux a token that tells a reused pid apart
/// (the boot id and the process's start time in clock ticks since boot).
struct ProcessIdentity: Sendable, Equatable {
    var pid: Int32
    var startToken: String?

    static let current = ProcessIdentity(pid: getpid(), startToken: startToken(of: getpid()))

    /// The start token of any process, or `nil` where it cannot be read (not Linux, no /proc,
    /// or the process is gone).
    static func startToken(of pid: Int32) -> String? {
        #if os(Linux)
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the command name start at field 3 (state); field 22 is the start time.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 19 else { return nil }
            return bootID + ":" + fields[19]
        #else
            return nil
        #endif
    }

    private static let bootID: String = {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown-boot"
    }()

    /// Whether the process that wrote `owner` still runs: the pid answers signal 0 and, when a
    /// start token was recorded and can be read now, it is the same process (not a reused pid).
    static func isAlive(pid: Int32, startToken: String?) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        if let recorded = startToken, let now = Self.startToken(of: pid), now != recorded { return false }
        return true
    }
}
