import Foundation
import AnthropicAPI

/// Runs the `api_key_helper` command from config.toml; its standard output is the key.
///
/// The command runs through `/bin/sh -c` with a timeout. The result is cached for `ttl`, run
/// again when the TTL has passed, and invalidated once after a 401 (the key may have rotated).
public final class KeyHelper: @unchecked Sendable {
    public let command: String
    public let timeout: Duration
    public let ttl: Duration

    private let lock = NSLock()
    private var cached: (key: String, at: ContinuousClock.Instant)?

    public init(command: String, timeout: Duration = .seconds(10), ttl: Duration = .seconds(300)) {
        self.command = command
        self.timeout = timeout
        self.ttl = ttl
    }

    /// What one run of the helper produced.
    public struct Run: Sendable, Equatable {
        public var output: String
        public var elapsed: Duration
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The key, from the cache while it is fresh, else by running the command.
    public func key() -> Result<String, Failure> {
        lock.lock()
        if let cached, ContinuousClock.now - cached.at < ttl {
            lock.unlock()
            return .success(cached.key)
        }
        lock.unlock()
        switch run() {
        case .success(let run):
            let key = run.output
            lock.withLock { cached = (key, .now) }
            return .success(key)
        case .failure(let failure):
            return .failure(failure)
        }
    }

    /// Forgets the cached key (after a 401), so the next `key()` runs the command again.
    public func invalidate() {
        lock.withLock { cached = nil }
    }

    /// Runs the command once, with the timeout; stdout (up to 64 KiB) is the key as printed.
    public func run() -> Result<Run, Failure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try process.run()
        } catch {
            return .failure(Failure(message: "api_key_helper could not be started: \(error.localizedDescription)"))
        }
        let collected = OutputCollector(out.fileHandleForReading, err.fileHandleForReading)
        let deadline = started + timeout
        while process.isRunning && clock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        if process.isRunning {
            process.terminate()
            Thread.sleep(forTimeInterval: 0.05)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return .failure(Failure(message: "api_key_helper did not finish within \(Self.seconds(timeout)) seconds (command: \(command))"))
        }
        process.waitUntilExit()
        let (stdout, stderr) = collected.finish()
        let elapsed = clock.now - started
        guard process.terminationStatus == 0 else {
            let detail = String(decoding: stderr.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(Failure(message: "api_key_helper exited with status \(process.terminationStatus)\(detail.isEmpty ? "" : ": \(Secrets.redact(detail))")"))
        }
        let output = String(decoding: stdout, as: UTF8.self)
        if output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(Failure(message: "api_key_helper printed nothing"))
        }
        return .success(Run(output: output, elapsed: elapsed))
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }
}

/// Reads two pipes to the end on background threads, so a chatty helper cannot block on a full pipe.
private final class OutputCollector: @unchecked Sendable {
    private let group = DispatchGroup()
    private var out = Data()
    private var err = Data()

    init(_ stdout: FileHandle, _ stderr: FileHandle) {
        group.enter()
        DispatchQueue.global().async {
            self.out = Self.readAll(stdout, limit: 64 * 1024)
            self.group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            self.err = Self.readAll(stderr, limit: 64 * 1024)
            self.group.leave()
        }
    }

    private static func readAll(_ handle: FileHandle, limit: Int) -> Data {
        var data = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            if data.count < limit { data.append(chunk.prefix(limit - data.count)) }
        }
        return data
    }

    func finish() -> (Data, Data) {
        group.wait()
        return (out, err)
    }
}
