import AnthropicAPI
import Foundation
import TestSupport
import Testing

@testable import Credentials

@Suite struct KeyHelperTests {
    static let hasSetsid = FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid")

    @Test func outputIsTheKeyAndIsCachedForTheTTL() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let counter = temp.path("count")
        let helper = KeyHelper(command: "echo x >> \(counter); printf '%s\\n' \(Keys.make("k"))", ttl: .seconds(60))
        guard case .success(let run) = helper.current() else {
            Issue.record("failed")
            return
        }
        #expect(run.output == Keys.make("k")) // echo's one line break is not part of the key
        _ = helper.current()
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "x\n")
        helper.invalidate()
        _ = helper.current()
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "x\nx\n")
        let expiring = KeyHelper(command: "echo x >> \(counter); echo k", ttl: .zero)
        _ = expiring.current()
        _ = expiring.current()
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "x\nx\nx\nx\n")
    }

    @Test func hangingHelperTimesOut() {
        let helper = KeyHelper(command: "sleep 30", timeout: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        guard case .failure(let failure) = helper.current() else {
            Issue.record("no timeout")
            return
        }
        #expect(failure.message.contains("did not finish"))
        #expect(clock.now - start < .seconds(15)) // far below the 30 s the command would take
    }

    @Test func emptyOutputAndMissingCommandFail() {
        if case .success = KeyHelper(command: "true").current() { Issue.record("empty output accepted") }
        if case .success = KeyHelper(command: "echo").current() { Issue.record("a lone line break accepted") }
        if case .failure(let f) = KeyHelper(command: "/nonexistent/helper").current() {
            #expect(f.message.contains("status 127"))
        } else {
            Issue.record("missing command accepted")
        }
    }

    /// A daemon started with `setsid` leaves the process group and keeps the pipe open for 30 s:
    /// the key the shell printed is returned as soon as the shell exits, not when the daemon closes the pipe.
    @Test(.enabled(if: hasSetsid)) func aDaemonHoldingThePipeDoesNotHoldTheKey() {
        let key = Keys.random()
        let helper = KeyHelper(command: "setsid sleep 30 & sleep 0.2; echo \(key)", timeout: .seconds(1))
        let clock = ContinuousClock()
        let start = clock.now
        let result = helper.run()
        #expect(clock.now - start < .seconds(10)) // the wait ended (the daemon lives 30 s)
        guard case .success(let run) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(run.output == key)
    }

    /// The shell hangs and a `setsid` daemon holds the pipe: the timeout still ends the wait.
    @Test(.enabled(if: hasSetsid)) func aDaemonHoldingThePipeDoesNotBlowTheTimeout() {
        let helper = KeyHelper(command: "setsid sleep 30 & sleep 30", timeout: .seconds(1))
        let clock = ContinuousClock()
        let start = clock.now
        guard case .failure(let failure) = helper.run() else {
            Issue.record("no timeout")
            return
        }
        #expect(clock.now - start < .seconds(10))
        #expect(failure.message.contains("did not finish within 1 s"))
    }

    /// A helper that prints without end is stopped at the output limit, long before its timeout.
    @Test func endlessOutputIsStoppedAtTheLimit() {
        let helper = KeyHelper(command: "yes sk-ant-api03-endless", timeout: .seconds(20))
        let clock = ContinuousClock()
        let start = clock.now
        guard case .failure(let failure) = helper.run() else {
            Issue.record("endless output accepted")
            return
        }
        #expect(failure.message.contains("printed more than 64 KiB"), "\(failure.message)")
        #expect(clock.now - start < .seconds(10))
        // Just over the limit, from a command that then exits, is refused too.
        guard case .failure(let over) = KeyHelper(command: "head -c 70000 /dev/zero | tr '\\0' k").run() else {
            Issue.record("70,000 bytes accepted")
            return
        }
        #expect(over.message.contains("more than 64 KiB"))
    }

    @Test func standardErrorIsBoundedToo() throws {
        let outcome = try ShellCommand.run("yes flood >&2", timeout: .milliseconds(500), outputLimit: 1000)
        #expect(outcome.timedOut)
        #expect(outcome.stderr.count == 1000)
        #expect(outcome.stdout.isEmpty)
    }

    @Test func aTimeoutNeverShowsTheCommandsArguments() {
        let key = Keys.random()
        let token = "s.Xq81LzPw0Rt7Vb3Nk5Hd9Jm2"
        for command in [
            "sleep 5; echo \(key)", "VAULT_TOKEN=\(token) sleep 5", "ANTHROPIC_API_KEY=\(key) sleep 5 # \(token)",
        ] {
            guard case .failure(let failure) = KeyHelper(command: command, timeout: .milliseconds(200)).run() else {
                Issue.record("no timeout for \(command.prefix(12))")
                continue
            }
            #expect(failure.message.contains("command: sleep …"), "\(failure.message)")
            #expect(Keys.twelveCharacterPieces(of: key, in: failure.message).isEmpty)
            #expect(Keys.twelveCharacterPieces(of: token, in: failure.message).isEmpty)
        }
    }

    @Test func theDisplayedCommandIsItsProgramOnly() {
        let key = Keys.random()
        #expect(KeyHelper.display("pass show anthropic") == "pass …")
        #expect(KeyHelper.display("/usr/local/bin/get-key") == "/usr/local/bin/get-key")
        #expect(KeyHelper.display("TOKEN=abc op read x") == "op …")
        #expect(KeyHelper.display("   ") == "…")
        for command in ["echo \(key)", "\(key)", "'\(key)'", "X=\(key)", "Q7fZ2kP9xL4mW8vR3tY6nB1c --get"] {
            let shown = KeyHelper.display(command)
            #expect(Keys.twelveCharacterPieces(of: key, in: shown).isEmpty, "\(shown)")
            #expect(!shown.contains("Q7fZ2kP9xL4m"), "\(shown)")
        }
    }

    /// `echo`'s single trailing line break is not worth a notice on every run; other whitespace still is.
    @Test func oneTrailingLineBreakIsSilentOtherWhitespaceIsNot() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let key = Keys.random()
        func notices(_ command: String) throws -> [String] {
            let resolver = KeyResolver(
                environment: [:], helper: KeyHelper(command: command, timeout: .seconds(5)),
                file: CredentialsFile(directory: temp.path("config")),
                memory: RejectedKeyMemory(directory: temp.path("state")))
            let resolution = resolver.resolve()
            #expect(resolution.key?.credential.secret == key, "\(command.prefix(10))")
            return resolution.notices
        }
        #expect(try notices("echo \(key)").isEmpty)
        #expect(try notices("printf '%s' \(key)").isEmpty)
        for noisy in [
            "printf '%s\\n\\n' \(key)", "printf ' %s\\n' \(key)", "printf '%s\\r\\n' \(key)", "printf '%s \\n' \(key)",
        ] {
            let found = try notices(noisy)
            #expect(found.count == 1, "\(noisy.prefix(16))")
            #expect(found.first?.contains("api_key_helper") == true)
        }
    }

    /// `doctor` lists the helper's command: as its program only.
    @Test func theResolverReportsTheCommandMasked() throws {
        let temp = try TemporaryDirectory(prefix: "palaver-cred")
        let key = Keys.random()
        let resolver = KeyResolver(
            environment: [:], helper: KeyHelper(command: "printf %s \(key)", timeout: .seconds(5)),
            file: CredentialsFile(directory: temp.path("config")),
            memory: RejectedKeyMemory(directory: temp.path("state")))
        let resolution = resolver.resolve()
        #expect(resolution.key?.credential.secret == key)
        let helperReport = try #require(resolution.sources.first { $0.source == .helper })
        #expect(helperReport.details.contains("command: printf …"))
        #expect(Keys.twelveCharacterPieces(of: key, in: helperReport.details.joined(separator: "\n")).isEmpty)
    }
}
