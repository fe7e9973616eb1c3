import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a shell command in its own process group, so a timeout can stop the command and
/// everything it started (a shell waiting on `sleep` ignores SIGTERM until the child ends).
///
/// Every wait is bounded: the command's pipes are read with `poll` until the deadline, never
/// until end of file, because a background child (a `setsid` daemon, which leaves the group)
/// can hold a pipe open for as long as it likes. When the command itself has exited, what it
/// wrote is already in the pipes; that is read and the pipes are closed. Standard output beyond
/// `outputLimit` stops the command (`overflowed`); standard error beyond it is discarded.
enum ShellCommand {
    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var timedOut: Bool
        /// The command printed more than the output limit; it was stopped and `stdout` is empty.
        var overflowed: Bool
        var elapsed: Duration
    }

    struct LaunchError: Error { var message: String }

    static func run(_ command: String, timeout: Duration, outputLimit: Int = 64 * 1024) throws(LaunchError) -> Outcome {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw LaunchError(message: "cannot create a pipe") }
        guard pipe(&errPipe) == 0 else {
            outPipe.forEach { close($0) }
            throw LaunchError(message: "cannot create a pipe")
        }
        // Our ends must not leak into other programs started meanwhile; the child gets its own copies by dup2.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Nothing else palaver holds is the command's business; and a daemon it leaves must not
        // keep open a pipe someone else waits on (palaver's own output, when palaver's parent leaked it).
        #if os(Linux)
            closeInheritedDescriptors(&actions)
        #endif
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        #if canImport(Darwin)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_CLOEXEC_DEFAULT))
        #else
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        #endif
        posix_spawnattr_setpgroup(&attributes, 0)

        let clock = ContinuousClock()
        let started = clock.now
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw LaunchError(message: "cannot start /bin/sh: \(String(cString: strerror(spawned)))")
        }
        var stdout = PipeBuffer(fd: outPipe[0], limit: outputLimit, stopsAtLimit: true)
        var stderr = PipeBuffer(fd: errPipe[0], limit: outputLimit, stopsAtLimit: false)
        defer {
            stdout.close()
            stderr.close()
        }

        var status: Int32 = 0
        var timedOut = false
        var overflowed = false
        let deadline = started + timeout
        func stopGroup() {
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || (done < 0 && errno != EINTR) {
                // The command is gone; what it wrote is in the pipes. Take that, bounded by the limit and the deadline.
                kill(-pid, SIGKILL) // anything it left running in its group
                while clock.now < deadline, stdout.readAvailable() || stderr.readAvailable() {}
                overflowed = stdout.overflowed
                break
            }
            if stdout.overflowed {
                overflowed = true
                stopGroup()
                break
            }
            let now = clock.now
            if now >= deadline {
                timedOut = true
                stopGroup()
                break
            }
            // Sleep until there is output or a few milliseconds pass (to look at the process again).
            let wait = min(deadline - now, .milliseconds(5))
            var fds = [stdout, stderr].filter(\.isOpen).map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), Int32(max(1, wait.inMillisecondsRoundedUp)))
            _ = stdout.readAvailable()
            _ = stderr.readAvailable()
        }
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(
            status: exitStatus, stdout: overflowed ? Data() : stdout.data, stderr: stderr.data,
            timedOut: timedOut, overflowed: overflowed, elapsed: clock.now - started)
    }
}

#if os(Linux)
    /// Adds "close every descriptor from 3 up" to `actions`: glibc's `addclosefrom_np` (2.34+, not
    /// visible to Swift, so looked up by name), else one close per descriptor open now.
    private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd >= 3 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
#endif

/// The parent's end of one pipe, read without blocking, keeping at most `limit` bytes.
private struct PipeBuffer {
    let fd: Int32
    let limit: Int
    /// Standard output: more than the limit is an error, so reading stops there.
    let stopsAtLimit: Bool
    private(set) var data = Data()
    private(set) var overflowed = false
    private(set) var isOpen = true

    init(fd: Int32, limit: Int, stopsAtLimit: Bool) {
        self.fd = fd
        self.limit = limit
        self.stopsAtLimit = stopsAtLimit
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Reads one chunk if one is ready; `true` when something was read (call again), `false` when
    /// nothing is ready now, the writer has closed, or reading has stopped.
    mutating func readAvailable() -> Bool {
        guard isOpen, !(stopsAtLimit && overflowed) else { return false }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { return true }
            if errno == EAGAIN || errno == EWOULDBLOCK { return false }
            close()
            return false
        }
        if n == 0 {
            close()
            return false
        }
        let room = max(0, limit - data.count)
        if n > room { overflowed = true }
        if room > 0 { data.append(contentsOf: buffer[0..<min(n, room)]) }
        return true
    }

    mutating func close() {
        guard isOpen else { return }
        isOpen = false
        closeDescriptor(fd)
    }
}

/// `close(2)`, by a name that the pipe buffer's own `close()` does not hide.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

extension Duration {
    /// Whole milliseconds, rounded up, clamped to what `poll` takes.
    fileprivate var inMillisecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        guard seconds < Int64(Int32.max / 1000) else { return Int(Int32.max) }
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
