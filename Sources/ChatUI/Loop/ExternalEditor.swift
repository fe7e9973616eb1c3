import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Edits a draft in the user's editor, as `git commit` does: the text goes to a private
/// temporary file (mode 0600, in palaver's state directory), the editor runs on it with the
/// terminal, and what it saved comes back. The file is removed afterwards.
///
/// The editor is `$VISUAL`, else `$EDITOR`, else `vi` when it is on the `PATH`. It runs as
/// `/bin/sh -c '<editor> "$1"' sh <file>`, so a command with arguments (`code -w`, `emacs -nw`)
/// works and the file's path is passed as an argument, never spliced into the command. While
/// it runs, Ctrl+C and Ctrl+\ belong to the editor: SIGINT and SIGQUIT are ignored here (as
/// `system(3)` does); the editor starts with every signal at its default.
public struct ExternalEditor: Sendable {
    public var environment: [String: String]
    /// Where the temporary file goes (created, mode 0700, when missing).
    public var directory: String

    /// The most text read back.
    public static let maxBytes = 4 << 20

    public enum Outcome: Equatable, Sendable {
        /// The editor exited with status 0; its file holds `text` (the newline the file ends
        /// with is not part of it). `editor` names the editor for notices.
        case edited(String, editor: String)
        /// The editor could not run, failed, or its file could not be read: the notice to show.
        /// The draft stays as it was.
        case failed(String)
    }

    public init(environment: [String: String], directory: String) {
        self.environment = environment
        self.directory = directory
    }

    /// The editor's command: `$VISUAL`, `$EDITOR`, or `vi` when the `PATH` has it.
    public var command: String? {
        for name in ["VISUAL", "EDITOR"] {
            if let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                return value
            }
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        let hasVi = path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: String($0) + "/vi")
        }
        return hasVi ? "vi" : nil
    }

    /// Runs the editor on `text`: `suspend` before it starts (lend the terminal), `resume` after
    /// it ended.
    public func edit(_ text: String, suspend: () -> Void, resume: () -> Void) -> Outcome {
        guard let command else {
            return .failed("No editor to open: set $VISUAL or $EDITOR (vi is not on the PATH either).")
        }
        let name = Self.shortName(command)
        let file: String
        do {
            file = try writeTemporaryFile(text.isEmpty ? "" : text + "\n")
        } catch {
            return .failed("The draft could not be written for \(name): \(error). The draft is unchanged.")
        }
        defer { unlink(file) }
        suspend()
        let status = Self.run(command, file: file, environment: environment)
        resume()
        switch status {
        case .exited(0):
            break
        case .exited(127):
            return .failed("\(name) was not found (status 127). The draft is unchanged.")
        case .exited(let code):
            return .failed("\(name) exited with status \(code). The draft is unchanged.")
        case .signalled(let signal):
            return .failed("\(name) was ended by signal \(signal). The draft is unchanged.")
        case .notStarted(let reason):
            return .failed("\(name) could not be started: \(reason). The draft is unchanged.")
        }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return .failed("\(name) left no file to read back. The draft is unchanged.")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.maxBytes + 1)) ?? Data()
        guard data.count <= Self.maxBytes else {
            return .failed("What \(name) saved is larger than 4 MB. The draft is unchanged.")
        }
        var edited = String(decoding: data, as: UTF8.self)
        if edited.hasSuffix("\n") { edited.removeLast() }
        return .edited(edited, editor: name)
    }

    /// The editor as notices name it: its command with the program's directory left out
    /// (`/usr/bin/vim -f` is `vim -f`), on one line, at most 40 characters.
    static func shortName(_ command: String) -> String {
        var flat = String(command.map { $0.isNewline ? " " : $0 })
        if let space = flat.firstIndex(of: " ") ?? Optional(flat.endIndex),
            let slash = flat[..<space].lastIndex(of: "/"), flat.index(after: slash) < space
        {
            flat.removeSubrange(..<flat.index(after: slash))
        }
        return flat.count > 40 ? String(flat.prefix(39)) + "…" : flat
    }

    /// A new file only this user can read (0600) in ``directory``, holding `text`.
    private func writeTemporaryFile(_ text: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var template = Array((directory + "/draft-XXXXXX.md").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 3) }
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let path = String(cString: template)
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                let code = errno
                close(fd)
                unlink(path)
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
        }
        close(fd)
        return path
    }

    enum Status: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case notStarted(String)
    }

    /// Runs `/bin/sh -c '<command> "$1"' sh <file>` in the foreground and waits for it.
    static func run(_ command: String, file: String, environment: [String: String]) -> Status {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments: [String] = ["/bin/sh", "-c", command + " \"$1\"", "sh", file]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        // The editor owns Ctrl+C and Ctrl+\ while it runs.
        let savedInt = ignore(SIGINT)
        let savedQuit = ignore(SIGQUIT)
        defer {
            restore(SIGINT, savedInt)
            restore(SIGQUIT, savedQuit)
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, envp)
        guard spawned == 0 else { return .notStarted(String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .notStarted(String(cString: strerror(errno))) }
        }
        let low = status & 0x7F
        if low == 0 { return .exited((status >> 8) & 0xFF) }
        return .signalled(low)
    }

    private static func ignore(_ signal: Int32) -> sigaction {
        var action = sigaction()
        #if os(Linux)
            action.__sigaction_handler.sa_handler = SIG_IGN
        #else
            action.__sigaction_u.__sa_handler = SIG_IGN
        #endif
        sigemptyset(&action.sa_mask)
        var previous = sigaction()
        sigaction(signal, &action, &previous)
        return previous
    }

    private static func restore(_ signal: Int32, _ action: sigaction) {
        var action = action
        sigaction(signal, &action, nil)
    }
}
