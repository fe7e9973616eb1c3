#if os(Linux)
import Foundation
import Testing

/// The ncurses backend in a real terminal: `tui-smoke` (an executable of this package) runs in
/// a detached tmux pane; the test types keys and reads the pane back.
///
/// The binary is looked up beside the test bundle, or taken from `TUI_SMOKE_BIN`. Without
/// tmux or the binary the test is skipped.
@Suite(.serialized) struct TmuxSmokeTests {
    static let binary: String? = {
        if let path = ProcessInfo.processInfo.environment["TUI_SMOKE_BIN"] { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<5 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("tui-smoke").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static var available: Bool { binary != nil && tmuxPath != nil }

    /// Runs a program to its end with a clean signal state and returns its output.
    ///
    /// Not Foundation's `Process`: its children inherit the test runner's blocked signals,
    /// so a tmux server started through it (and the shell and program in its pane) would
    /// ignore SIGTERM, SIGCHLD and SIGWINCH.
    static func run(_ argv: [String], capture: Bool) -> String {
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
                if n > 0 { output += buffer[..<n]; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
            close(pipeFDs[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }

    /// A private tmux server with one 80×24 pane running a plain shell.
    final class Pane {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("tui-smoke-\(getpid())-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            // The server this starts keeps whatever output it inherits open: give it none.
            tmux(capture: false, "new-session", "-d", "-x", "80", "-y", "24", "-s", "smoke",
                 "env -i PATH=/usr/bin:/bin HOME=\(directory.path) LANG=C.UTF-8 TERM=screen PS1='$ ' bash --norc --noprofile")
        }

        deinit {
            tmux("kill-server")
            try? FileManager.default.removeItem(at: directory)
        }

        @discardableResult
        func tmux(capture: Bool = true, _ arguments: String...) -> String {
            TmuxSmokeTests.run([TmuxSmokeTests.tmuxPath!, "-S", directory.appendingPathComponent("tmux.sock").path, "-f", "/dev/null"] + arguments, capture: capture)
        }

        func type(_ text: String) { tmux("send-keys", "-t", "smoke", "-l", text) }
        func press(_ keys: String...) { for key in keys { tmux("send-keys", "-t", "smoke", key) } }
        var screen: String { tmux("capture-pane", "-p", "-t", "smoke") }
        var rows: [String] { screen.components(separatedBy: "\n") }
        func format(_ f: String) -> String { tmux("display-message", "-p", "-t", "smoke", f).trimmingCharacters(in: .whitespacesAndNewlines) }

        /// Waits until the pane shows `text` (up to 10 s).
        func waitFor(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            for _ in 0..<200 {
                if screen.contains(text) { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            Issue.record("the pane never showed \(text.debugDescription); it shows:\n\(screen)", sourceLocation: sourceLocation)
            throw CancellationError()
        }

        func file(_ name: String) -> String {
            (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "(missing \(name))"
        }
    }

    @Test(.enabled(if: TmuxSmokeTests.available), .timeLimit(.minutes(1)))
    func drawsWideCharactersReadsKeysAndRestoresTheTerminal() async throws {
        let pane = try Pane()
        let bin = TmuxSmokeTests.binary!
        let dir = pane.directory.path
        try await pane.waitFor("$")
        pane.type("stty -g > \(dir)/before; \(bin); echo exit=$?; stty -g > \(dir)/after")
        pane.press("Enter")
        try await pane.waitFor("tui-smoke 中文 ok")

        // The wide characters take two columns each: what follows them is in place.
        #expect(pane.rows[0] == "tui-smoke 中文 ok")
        #expect(pane.rows[1].hasPrefix("size: 80x24"))
        #expect(pane.rows[23].hasPrefix(" q quits"))
        #expect(pane.rows[23].hasSuffix(" smoke")) // capture-pane drops trailing spaces
        #expect(pane.format("#{alternate_on} #{mouse_sgr_flag}") == "1 1")
        // The cursor sits at the caret of the text field, after a wide character too.
        #expect(pane.format("#{cursor_x},#{cursor_y}") == "0,4")
        pane.type("é中")
        try await pane.waitFor("last: key 中")
        #expect(pane.rows[4] == "é中")
        #expect(pane.format("#{cursor_x},#{cursor_y}") == "3,4")

        pane.press("Escape")
        try await pane.waitFor("last: key Esc")
        pane.press("M-x")
        try await pane.waitFor("last: key Alt+X")
        pane.press("C-Left")
        try await pane.waitFor("last: key Ctrl+Left")
        pane.press("F5")
        try await pane.waitFor("last: key F5")
        pane.tmux("resize-window", "-t", "smoke", "-x", "60", "-y", "20")
        try await pane.waitFor("last: resize 60x20")
        #expect(pane.rows[19].hasSuffix(" smoke")) // capture-pane drops trailing spaces

        pane.press("q")
        try await pane.waitFor("exit=0")
        #expect(pane.screen.contains("tui-smoke: bye"))
        #expect(!pane.screen.contains("tui-smoke 中文 ok"))
        #expect(pane.format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1")
        try await pane.waitFor("$ ")
        #expect(pane.file("before") == pane.file("after"))
    }

    @Test(.enabled(if: TmuxSmokeTests.available), .timeLimit(.minutes(1)))
    func sigtermRestoresTheTerminal() async throws {
        let pane = try Pane()
        let bin = TmuxSmokeTests.binary!
        let dir = pane.directory.path
        try await pane.waitFor("$")
        pane.type("stty -g > \(dir)/before; \(bin) --pid-file \(dir)/pid; echo exit=$?; stty -g > \(dir)/after")
        pane.press("Enter")
        try await pane.waitFor("tui-smoke 中文 ok")
        let pid = try #require(Int32(pane.file("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(pid, SIGTERM)
        try await pane.waitFor("exit=143")
        #expect(pane.format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1")
        try await pane.waitFor("$ ")
        #expect(pane.file("before") == pane.file("after"))
    }

    @Test(.enabled(if: TmuxSmokeTests.available), .timeLimit(.minutes(1)))
    func crashRestoresTheTerminal() async throws {
        let pane = try Pane()
        let bin = TmuxSmokeTests.binary!
        let dir = pane.directory.path
        try await pane.waitFor("$")
        // Without Swift's (interactive) backtracer, the trap ends the process at once.
        pane.type("stty -g > \(dir)/before; SWIFT_BACKTRACE=enable=no \(bin) --crash; echo exit=$?; stty -g > \(dir)/after")
        pane.press("Enter")
        try await pane.waitFor("exit=13") // 132 (SIGILL) or 133 (SIGTRAP); the command line itself shows "exit=$?"
        // (The runtime prints the fatalError message before the trap, still on the alternate
        // screen, so it is gone; Swift's backtracer, when enabled, prints it again afterwards.)
        #expect(pane.screen.contains("exit=132") || pane.screen.contains("exit=133")) // SIGILL or SIGTRAP
        #expect(pane.format("#{alternate_on} #{mouse_any_flag} #{cursor_flag}") == "0 0 1")
        try await pane.waitFor("$ ")
        #expect(pane.file("before") == pane.file("after"))
    }
}
#endif
