import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a shell command in its own process group, so a timeout can stop the command and
/// everything it started (a shell waiting on `sleep` ignores SIGTERM until the child ends).
enum ShellCommand {
    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var timedOut: Bool
        var elapsed: Duration
    }

    struct LaunchError: Error { var message: String }

    static func run(_ command: String, timeout: Duration, outputLimit: Int = 64 * 1024) throws(LaunchError) -> Outcome {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw LaunchError(message: "cannot create a pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
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
        let stdout = PipeReader(fd: outPipe[0], limit: outputLimit)
        let stderr = PipeReader(fd: errPipe[0], limit: outputLimit)

        var status: Int32 = 0
        var timedOut = false
        let deadline = started + timeout
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { break }
            if clock.now >= deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            usleep(5_000)
        }
        if !timedOut { kill(-pid, SIGKILL) }  // anything the command left running in its group
        let out = stdout.finish(), err = stderr.finish()
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(status: exitStatus, stdout: out, stderr: err, timedOut: timedOut, elapsed: clock.now - started)
    }
}

/// Drains one pipe on a background thread until end of file, keeping at most `limit` bytes.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(fd: Int32, limit: Int) {
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if self.data.count < limit { self.data.append(contentsOf: buffer[0..<min(n, limit - self.data.count)]) }
            }
            close(fd)
            self.done.signal()
        }.start()
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}
