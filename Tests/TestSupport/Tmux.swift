#if os(Linux)
    import Foundation
    import Testing

    /// Real programs in a real terminal: a private tmux server per pane, driven with `send-keys`
    /// and read back with `capture-pane`.
    public enum Tmux {
        public static let path: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }

        /// An executable of this package, found beside the test bundle (or in `variable`).
        public static func builtExecutable(_ name: String, variable: String) -> String? {
            if let path = ProcessInfo.processInfo.environment[variable] { return path }
            var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            for _ in 0..<5 {
                url.deleteLastPathComponent()
                let candidate = url.appendingPathComponent(name).path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }

        /// Runs a program to its end with a clean signal state and returns its output.
        ///
        /// Not Foundation's `Process`: its children inherit the test runner's blocked signals,
        /// so a tmux server started through it (and the shell and program in its pane) would
        /// ignore SIGTERM, SIGCHLD and SIGWINCH.
        public static func run(_ argv: [String], capture: Bool) -> String {
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

            var pipeFDs: [Int32] = [-1, -1]
            if capture { guard pipe(&pipeFDs) == 0 else { return "" } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            if capture {
                posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
                posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
                posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
            } else {
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            }
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

            let cArguments = argv.map { strdup($0) } + [nil]
            defer { cArguments.forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
            if capture { close(pipeFDs[1]) }
            guard spawned == 0 else {
                if capture { close(pipeFDs[0]) }
                return ""
            }
            var output: [UInt8] = []
            if capture {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(pipeFDs[0], &buffer, buffer.count)
                    if n > 0 {
                        output += buffer[..<n]
                        continue
                    }
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                close(pipeFDs[0])
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return String(decoding: output, as: UTF8.self)
        }

    }

    /// A private tmux server with one pane running a plain shell in its own temporary HOME.
    public final class TmuxPane {
        /// The shell's HOME (removed after the tmux server is killed).
        private let home: TemporaryDirectory
        public var directory: URL { home.url }
        private let name = "pane"

        /// `environment` is added to the shell's (which otherwise has only PATH, HOME, LANG, TERM).
        public init(width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws {
            home = try TemporaryDirectory(prefix: "tmux-\(getpid())")
            let extra = environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
            // The server this starts keeps whatever output it inherits open: give it none.
            tmux(
                capture: false, "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "-s", name,
                "env -i PATH=/usr/bin:/bin HOME=\(directory.path) LANG=C.UTF-8 TERM=screen-256color \(extra) PS1='$ ' bash --norc --noprofile"
            )
        }

        deinit {
            tmux("kill-server")
        }

        @discardableResult
        public func tmux(capture: Bool = true, _ arguments: String...) -> String {
            Tmux.run(
                [Tmux.path!, "-S", directory.appendingPathComponent("tmux.sock").path, "-f", "/dev/null"] + arguments,
                capture: capture)
        }

        /// Types text literally.
        public func type(_ text: String) { tmux("send-keys", "-t", name, "-l", text) }
        /// Presses keys by tmux name (`Enter`, `C-q`, `M-Enter`, `PPage`, `F1`).
        public func press(_ keys: String...) { for key in keys { tmux("send-keys", "-t", name, key) } }
        public var screen: String { tmux("capture-pane", "-p", "-t", name) }
        /// The pane's rows (capture-pane drops trailing spaces).
        public var rows: [String] {
            var rows = screen.components(separatedBy: "\n")
            if rows.last == "" { rows.removeLast() }
            return rows
        }
        /// A tmux format about the pane, e.g. `#{cursor_x},#{cursor_y}`.
        public func format(_ f: String) -> String {
            tmux("display-message", "-p", "-t", name, f).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        public func resize(width: Int, height: Int) {
            tmux("resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)")
        }

        /// Waits until the pane shows `text` (up to `seconds`).
        public func waitFor(_ text: String, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation)
            async throws
        {
            try await waitUntil(
                "the pane never showed \(text.debugDescription)", seconds: seconds, sourceLocation: sourceLocation
            ) { $0.contains(text) }
        }

        /// Waits until the shell prompt is back: the last non-empty row is `$`.
        public func waitForPrompt(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await waitUntil("the shell prompt did not come back", sourceLocation: sourceLocation) { screen in
                screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
                    .trimmingCharacters(in: .whitespaces) == "$"
            }
        }

        /// Waits until `condition` holds for the screen text (up to `seconds`).
        public func waitUntil(
            _ what: String, seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
            _ condition: (String) -> Bool
        ) async throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition(screen) { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("\(what); it shows:\n\(screen)", sourceLocation: sourceLocation)
            throw CancellationError()
        }

        /// Runs `command` in the pane's shell once it is ready, saving the terminal settings
        /// (`stty -g`) before and after and echoing `exit=STATUS` when it ends.
        public func runRecordingTerminal(_ command: String) async throws {
            try await waitFor("$")
            let dir = directory.path
            type("stty -g > \(dir)/before; \(command); echo exit=$?; stty -g > \(dir)/after")
            press("Enter")
        }

        /// After a program started with ``runRecordingTerminal(_:)`` ended: the terminal is back as
        /// it was (main screen, mouse off, cursor shown, the prompt, the same stty settings).
        public func expectTerminalRestored(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            #expect(
                format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1", sourceLocation: sourceLocation)
            try await waitForPrompt(sourceLocation: sourceLocation)
            #expect(file("before") == file("after"), sourceLocation: sourceLocation)
        }

        /// A file in the pane's directory (its HOME).
        public func file(_ name: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "(missing \(name))"
        }
    }
#endif
