import AnthropicAPI
import Foundation
import Synchronization

/// Runs the `api_key_helper` command from config.toml; its standard output is the key.
///
/// The command runs through `/bin/sh -c` with a timeout. The result is cached for `ttl`, run
/// again when the TTL has passed, and invalidated once after a 401 (the key may have rotated).
public final class KeyHelper: Sendable {
    public let command: String
    public let timeout: Duration
    public let ttl: Duration

    private let cached = Mutex<(run: Run, at: ContinuousClock.Instant)?>(nil)

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
        if let fresh = cached.withLock({ $0.flatMap { ContinuousClock.now - $0.at < ttl ? $0.run : nil } }) {
            return .success(fresh)
        }
        let result = run()
        if case .success(let run) = result { cached.withLock { $0 = (run, .now) } }
        return result
    }

    /// Forgets the cached key (after a 401), so the next `current()` runs the command again.
    public func invalidate() {
        cached.withLock { $0 = nil }
    }

    /// The most a helper may print: a key is one line of about 108 characters.
    public static let outputLimit = 64 * 1024

    /// Runs the command once, with the timeout; stdout (up to 64 KiB) is the key as printed,
    /// less one trailing line break (what `echo` adds), so that one is never warned about.
    public func run() -> Result<Run, Failure> {
        let outcome: ShellCommand.Outcome
        do {
            outcome = try ShellCommand.run(command, timeout: timeout, outputLimit: Self.outputLimit)
        } catch {
            return .failure(Failure(message: "api_key_helper could not be started: \(error.message)"))
        }
        if outcome.timedOut {
            return .failure(
                Failure(
                    message:
                        "api_key_helper did not finish within \(timeout.spoken) and was stopped (command: \(Self.display(command)))"
                ))
        }
        if outcome.overflowed {
            return .failure(
                Failure(
                    message:
                        "api_key_helper printed more than \(Self.outputLimit / 1024) KiB and was stopped; it should print only the key"
                ))
        }
        guard outcome.status == 0 else {
            let detail = String(decoding: outcome.stderr.prefix(500), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines)
            return .failure(
                Failure(
                    message:
                        "api_key_helper exited with status \(outcome.status)\(detail.isEmpty ? "" : ": \(Secrets.redactLongTokens(Secrets.redact(detail)))")"
                ))
        }
        let output = KeyDiagnosis.droppingEchoedLineBreak(String(decoding: outcome.stdout, as: UTF8.self))
        if output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return .failure(Failure(message: "api_key_helper printed nothing"))
        }
        return .success(Run(output: output, elapsed: outcome.elapsed))
    }

    /// The command as messages show it: its program only, never its arguments or variable
    /// assignments, which may hold a key or a token (`VAULT_TOKEN=… vault read …`). A program
    /// word that looks like a secret itself is masked.
    public static func display(_ command: String) -> String {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard let index = words.firstIndex(where: { !isAssignment($0) }) else { return "…" }
        var program = words[index]
        if program.count > 64 || program.contains("sk-") || looksLikeSecret(program) {
            program = Secrets.mask(program)
        }
        return index < words.count - 1 ? "\(program) …" : program
    }

    /// `NAME=value` as the shell reads it before a command.
    private static func isAssignment(_ word: String) -> Bool {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return false }
        return word[..<eq].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// A long run of letters and digits with no path or word structure: a token, not a program name.
    private static func looksLikeSecret(_ word: String) -> Bool {
        let name = word.split(separator: "/").last.map(String.init) ?? word
        guard name.count >= 20 else { return false }
        let digits = name.filter(\.isNumber).count
        let letters = name.filter(\.isLetter).count
        return digits >= 4 && letters >= 4 && !name.contains(".")
    }
}
