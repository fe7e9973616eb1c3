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
    private var cached: (run: Run, at: ContinuousClock.Instant)?

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

    /// The helper's output: the cached run while it is younger than the TTL, else a new run.
    public func current() -> Result<Run, Failure> {
        if let fresh = lock.withLock({ cached.flatMap { ContinuousClock.now - $0.at < ttl ? $0.run : nil } }) {
            return .success(fresh)
        }
        let result = run()
        if case .success(let run) = result { lock.withLock { cached = (run, .now) } }
        return result
    }

    /// Forgets the cached key (after a 401), so the next `current()` runs the command again.
    public func invalidate() {
        lock.withLock { cached = nil }
    }

    /// Runs the command once, with the timeout; stdout (up to 64 KiB) is the key as printed.
    public func run() -> Result<Run, Failure> {
        let outcome: ShellCommand.Outcome
        do {
            outcome = try ShellCommand.run(command, timeout: timeout)
        } catch {
            return .failure(Failure(message: "api_key_helper could not be started: \(error.message)"))
        }
        if outcome.timedOut {
            return .failure(Failure(message: "api_key_helper did not finish within \(timeout.spoken) (command: \(command))"))
        }
        guard outcome.status == 0 else {
            let detail = String(decoding: outcome.stderr.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(Failure(message: "api_key_helper exited with status \(outcome.status)\(detail.isEmpty ? "" : ": \(Secrets.redact(detail))")"))
        }
        let output = String(decoding: outcome.stdout, as: UTF8.self)
        if output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(Failure(message: "api_key_helper printed nothing"))
        }
        return .success(Run(output: output, elapsed: outcome.elapsed))
    }

}

